// Live training metrics in a real kernel: the display stream, the run log in the notebook folder,
// the opt-outs, and an interrupt during fit.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { JupyterMessage } from "../protocol/messages";
import { METRICS_MIME_TYPE, RUN_INFO_FILE, RUN_LOG_FILE, parseRunInfo, parseRunLogLine, type MetricsDisplayData, type RunInfo, type RunLogRecord } from "../protocol/runLogSchema";
import { assertOk, delay, ofType, resultText, startStudioKernel, stripAnsi, type StudioKernel, value } from "./support/studioKernel";

/** Our display messages (display_data and update_display_data) among a cell's IOPub messages. */
function metricsMessages(messages: JupyterMessage[]): JupyterMessage[] {
  return messages.filter((message) => ["display_data", "update_display_data"].includes(message.header.msg_type) && METRICS_MIME_TYPE in (message.content.data as object));
}

function displayData(message: JupyterMessage): MetricsDisplayData {
  return (message.content.data as Record<string, unknown>)[METRICS_MIME_TYPE] as MetricsDisplayData;
}

function runDirs(kernel: StudioKernel): string[] {
  const runs = path.join(kernel.cwd, "runs");
  return fs.existsSync(runs) ? fs.readdirSync(runs).sort() : [];
}

function readRun(kernel: StudioKernel, runId: string): { info: RunInfo; records: RunLogRecord[] } {
  const dir = path.join(kernel.cwd, "runs", runId);
  const info = parseRunInfo(fs.readFileSync(path.join(dir, RUN_INFO_FILE), "utf8"));
  assert.ok(info.ok, `run.json: ${!info.ok && info.error}`);
  const records = fs
    .readFileSync(path.join(dir, RUN_LOG_FILE), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line, index) => {
      const parsed = parseRunLogLine(line);
      assert.ok(parsed.ok, `metrics.jsonl line ${index + 1}: ${!parsed.ok && parsed.error}`);
      return parsed.record;
    });
  return { info: info.record, records };
}

const MODEL = `
import * as tf from "@tensorflow/tfjs";
import { trainingMetrics, metricsCallback } from "tfjs-studio";
function makeModel(inputs: number, hidden: number): tf.Sequential {
  const model = tf.sequential({ name: "tiny" });
  model.add(tf.layers.dense({ inputShape: [inputs], units: hidden, activation: "relu" }));
  model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
function makeData(samples: number, inputs: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.randomUniform([samples, inputs], -1, 1) as tf.Tensor2D;
  const y = tf.oneHot(x.sum(1).greater(0).cast("int32"), 2) as tf.Tensor2D;
  return { x, y };
}
const data = makeData(256, 8);
"ready"`;

describe("training metrics in the kernel", function () {
  this.timeout(120_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assert.equal(await value(kernel, MODEL), "'ready'");
  });
  after(async () => {
    await kernel?.stop();
  });

  it("streams one display with our MIME type and writes the run log next to the notebook", async () => {
    const result = await kernel.run(
      `const model = makeModel(8, 16);\nconst history = await model.fit(data.x, data.y, { epochs: 2, batchSize: 32, validationSplit: 0.25 });\nhistory.history.loss.length`,
    );
    assertOk(result);
    assert.equal(resultText(result), "2");
    const messages = metricsMessages(result.iopub);
    assert.ok(messages.length >= 2, `only ${messages.length} metrics messages`);
    assert.equal(messages[0].header.msg_type, "display_data");
    assert.ok(messages.slice(1).every((message) => message.header.msg_type === "update_display_data"), "later messages are updates");
    const ids = new Set(messages.map((message) => (message.content.transient as { display_id: string }).display_id));
    assert.equal(ids.size, 1, "one display id");

    const last = displayData(messages.at(-1)!);
    assert.equal(last.status, "completed");
    assert.equal(last.epoch, 2);
    assert.equal(last.epochs, 2);
    assert.deepEqual(Object.keys(last.lastEpoch).sort(), ["acc", "loss", "val_acc", "val_loss"]);
    assert.equal(last.batches.step.at(-1), 12, "192 training samples in batches of 32, 2 epochs");
    assert.equal(last.learningRate, 0.01);
    assert.ok(last.samplesPerSec! > 0);
    const text = (messages.at(-1)!.content.data as Record<string, string>)["text/plain"];
    assert.match(text, /^Completed · Epoch 2\/2 · loss [\d.]+ · acc [\d.]+ · val_loss [\d.]+ · val_acc [\d.]+ · [\d,]+ samples\/s · [\d.]+ s$/);
    assert.match((messages[0].content.data as Record<string, string>)["text/plain"], /^Epoch 1\/2 · batch 0\/6/);

    assert.deepEqual(runDirs(kernel), [last.runId]);
    assert.equal(last.runDir, path.join(kernel.cwd, "runs", last.runId));
    assert.match(last.runId, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-tiny-[0-9a-f]{4}$/);
    const { info, records } = readRun(kernel, last.runId);
    assert.equal(info.status, "completed");
    assert.equal(info.method, "fit");
    assert.equal(info.name, "tiny");
    assert.equal(info.notebookDir, kernel.cwd);
    assert.equal(info.epochsCompleted, 2);
    assert.equal(info.stepsCompleted, 12);
    assert.ok(info.endTime! >= info.startTime);
    assert.deepEqual(info.finalMetrics, last.lastEpoch);
    assert.deepEqual(info.model.layers.map((layer) => [layer.className, layer.outputShape, layer.params]), [["InputLayer", [null, 8], 0], ["Dense", [null, 16], 144], ["Dense", [null, 2], 34]]);
    assert.equal(info.model.totalParams, 178);
    assert.deepEqual(info.compile, { optimizer: { name: "Adam", config: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: info.compile!.optimizer!.config.epsilon } }, loss: ["categoricalCrossentropy"], metrics: ["acc"] });
    assert.deepEqual(info.fit, { epochs: 2, batchSize: 32, validationSplit: 0.25 });
    assert.ok(info.backend.name.length > 0);

    assert.deepEqual(records.map((record) => record.type), ["start", ...Array(6).fill("batch"), "epoch", ...Array(6).fill("batch"), "epoch", "end"]);
    const batches = records.filter((record) => record.type === "batch");
    assert.deepEqual(batches.map((record) => record.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(batches.map((record) => `${record.epoch}.${record.batch}`).slice(5, 7), ["1.6", "2.1"]);
    assert.ok(batches.every((record) => record.size === 32 && typeof record.metrics.loss === "number" && typeof record.metrics.acc === "number" && record.learningRate === 0.01));
    const times = records.map((record) => record.time);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "records in time order");
    const end = records.at(-1)!;
    assert.ok(end.type === "end" && end.status === "completed");
    // The history tfjs returns holds the same numbers the log does.
    assert.equal(await value(kernel, `history.history.val_loss[1]`), String(info.finalMetrics.val_loss));
  });

  it("fitDataset is instrumented too", async () => {
    const before = runDirs(kernel);
    const result = await kernel.run(
      `const dsModel = makeModel(8, 4);\nconst ds = tf.data.zip({ xs: tf.data.array(data.x.arraySync()), ys: tf.data.array(data.y.arraySync()) }).batch(64);\nawait dsModel.fitDataset(ds, { epochs: 2 });`,
    );
    assertOk(result);
    const last = displayData(metricsMessages(result.iopub).at(-1)!);
    assert.equal(last.status, "completed");
    assert.equal(last.step, 8);
    const added = runDirs(kernel).filter((dir) => !before.includes(dir));
    assert.deepEqual(added, [last.runId]);
    assert.equal(readRun(kernel, last.runId).info.method, "fitDataset");
  });

  it("an explicit metricsCallback() names the run and is not logged twice", async () => {
    const before = runDirs(kernel);
    const result = await kernel.run(`await makeModel(8, 4).fit(data.x, data.y, { epochs: 1, batchSize: 64, callbacks: [metricsCallback({ name: "explicit run" }), { onEpochEnd: () => {} }] });`);
    assertOk(result);
    const ids = new Set(metricsMessages(result.iopub).map((message) => (message.content.transient as { display_id: string }).display_id));
    assert.equal(ids.size, 1);
    const added = runDirs(kernel).filter((dir) => !before.includes(dir));
    assert.equal(added.length, 1);
    assert.match(added[0], /-explicit_run-[0-9a-f]{4}$/);
    assert.equal(readRun(kernel, added[0]).info.name, "explicit run");
  });

  it("a run log that cannot be written warns and lets training finish (under /proc Node's own mkdir never returns)", async () => {
    const result = await kernel.run(`await makeModel(8, 4).fit(data.x, data.y, { epochs: 1, callbacks: [metricsCallback({ runsDir: "/proc/nope/runs" })] });\n"trained"`);
    assertOk(result);
    assert.equal(resultText(result), "'trained'");
    assert.match(stripAnsi(ofType(result, "stream").map((m) => String(m.content.text)).join("")), /cannot create the directory \/proc\/nope/);
    assert.equal(displayData(metricsMessages(result.iopub).at(-1)!).status, "completed");
  });

  it("a fit that fails ends its run as failed, with the error", async () => {
    const before = runDirs(kernel);
    const result = await kernel.run(
      `await makeModel(8, 4).fit(data.x, data.y, { epochs: 1, batchSize: 32, callbacks: { onBatchEnd: (batch) => { if (batch === 2) throw new Error("boom at batch 3"); } } });`,
      { stop_on_error: false },
    );
    assert.equal(result.reply.content.status, "error");
    assert.match(String(result.reply.content.evalue), /boom at batch 3/);
    const last = displayData(metricsMessages(result.iopub).at(-1)!);
    assert.equal(last.status, "failed");
    assert.match(last.error!, /Error: boom at batch 3/);
    assert.match((metricsMessages(result.iopub).at(-1)!.content.data as Record<string, string>)["text/plain"], /^Failed · Epoch 1\/1 · loss [\d.]+ · acc [\d.]+ .*\nError: boom at batch 3$/);
    const added = runDirs(kernel).filter((dir) => !before.includes(dir));
    const { info, records } = readRun(kernel, added[0]);
    assert.equal(info.status, "failed");
    assert.match(info.error!, /boom at batch 3/);
    assert.equal(info.stepsCompleted, 2, "the batch whose callbacks failed is not recorded");
    const end = records.at(-1)!;
    assert.ok(end.type === "end" && end.status === "failed");
  });

  it("a bad metricsCallback option is a clear error", async () => {
    const result = await kernel.run(`metricsCallback({ throttleMs: "fast" as unknown as number })`, { stop_on_error: false });
    assert.equal(result.reply.content.status, "error");
    assert.match(String(result.reply.content.evalue), /metricsCallback: throttleMs must be a number/);
  });

  it("types metricsCallback() as a tf.Callback and checks its options", async () => {
    assertOk(await kernel.run(`const typed: tf.Callback = metricsCallback({ name: "n", throttleMs: 200, runsDir: "r", enabled: true });`));
    const wrongType = await kernel.run(`const notANumber: number = metricsCallback();`, { stop_on_error: false });
    assert.equal(wrongType.reply.content.ename, "TypeScriptError");
    assert.match(String(wrongType.reply.content.evalue), /Type 'Callback' is not assignable to type 'number'/);
    const typo = await kernel.run(`metricsCallback({ nmae: "typo" });`, { stop_on_error: false });
    assert.equal(typo.reply.content.ename, "TypeScriptError");
    assert.match(String(typo.reply.content.evalue), /'nmae' does not exist in type 'MetricsCallbackOptions'/);
  });

  it("trainingMetrics.disable() and metricsCallback({ enabled: false }) turn it off", async () => {
    const before = runDirs(kernel);
    const perCall = await kernel.run(`await makeModel(8, 4).fit(data.x, data.y, { epochs: 1, callbacks: [metricsCallback({ enabled: false })] });`);
    assertOk(perCall);
    const disabled = await kernel.run(`trainingMetrics.disable();\nawait makeModel(8, 4).fit(data.x, data.y, { epochs: 1 });\ntrainingMetrics.enable();\ntrainingMetrics.enabled`);
    assertOk(disabled);
    assert.equal(resultText(disabled), "true");
    assert.deepEqual(metricsMessages([...perCall.iopub, ...disabled.iopub]), []);
    assert.deepEqual(runDirs(kernel), before);
  });

  it("an interrupt during fit stops it at a batch end, ends the cell as interrupted and keeps the trained weights", async () => {
    assertOk(
      await kernel.run(
        `const big = makeData(4096, 8);\nconst longModel = makeModel(8, 64);\nconst initialWeights = longModel.getWeights().map((w) => w.dataSync().slice());\nlet batchesSeen = 0;`,
      ),
    );
    const before = runDirs(kernel);
    let interruptedAt = 0;
    const result = await kernel.run(`await longModel.fit(big.x, big.y, { epochs: 1000, batchSize: 32, callbacks: { onBatchEnd: () => { batchesSeen++; } } });\n"not reached"`, {
      timeoutMs: 60_000,
      stop_on_error: false,
      onIopub: (message) => {
        if (interruptedAt === 0 && message.header.msg_type === "update_display_data" && displayData(message).step > 20) {
          interruptedAt = Date.now();
          void kernel.launched.interrupt();
        }
      },
    });
    const replyMs = Date.now() - interruptedAt;
    assert.ok(interruptedAt > 0, "training never got going");
    assert.equal(result.reply.content.status, "error");
    assert.equal(result.reply.content.ename, "Interrupted");
    // Where it stopped, in the words of the cell's error: the batch and epoch, and that the weights are kept.
    assert.match(String(result.reply.content.evalue), /^the cell was interrupted during training, after batch \d+\/\d+ of epoch 1\/1000; the model keeps the weights it had then$/);
    assert.ok(replyMs < 3000, `the interrupt took ${replyMs} ms`);

    const last = displayData(metricsMessages(result.iopub).at(-1)!);
    assert.equal(last.status, "interrupted");
    const [runId] = runDirs(kernel).filter((dir) => !before.includes(dir));
    assert.equal(runId, last.runId);
    const { info, records } = readRun(kernel, runId);
    assert.equal(info.status, "interrupted");
    assert.ok(info.endTime !== null);
    const end = records.at(-1)!;
    assert.ok(end.type === "end" && end.status === "interrupted");
    assert.equal(info.stepsCompleted, records.filter((record) => record.type === "batch").length);

    const seen = Number(await value(kernel, `batchesSeen`));
    assert.equal(seen, info.stepsCompleted, "the cell ended after the last batch, not during one");
    const changed = await value(kernel, `longModel.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== initialWeights[i]![j]))`);
    assert.equal(changed, "true");
    assert.equal(await value(kernel, `(longModel.predict(big.x.slice(0, 2)) as tf.Tensor).shape.join("x")`), "'2x2'");
    await delay(700);
    assert.equal(Number(await value(kernel, `batchesSeen`)), seen, "training went on after the cell ended");
    assert.equal(readRun(kernel, runId).records.length, records.length, "log lines were added after the end");
    assert.equal(await value(kernel, `(longModel as any).isTraining`), "false");
  });

  for (const [what, callback] of [
    ["spins", "onBatchEnd: () => { const t = Date.now(); while (Date.now() - t < 100_000) {} }"],
    ["awaits a promise that never settles", "onBatchEnd: () => new Promise<void>(() => {})"],
  ] as const) {
    it(`an interrupt while a user callback ${what} ends the cell promptly, ends the run as interrupted and lets the model train again`, async () => {
      const name = what.startsWith("spins") ? "spinning" : "waiting";
      assertOk(await kernel.run(`const ${name}Model = makeModel(8, 8);`));
      const before = runDirs(kernel);
      let interruptedAt = 0;
      const result = await kernel.run(`await ${name}Model.fit(data.x, data.y, { epochs: 5, batchSize: 32, callbacks: { ${callback} } });`, {
        timeoutMs: 60_000,
        stop_on_error: false,
        onIopub: (message) => {
          // The run's first display: training has begun, and its first batch ends in the callback.
          if (interruptedAt === 0 && message.header.msg_type === "display_data") {
            interruptedAt = Date.now();
            setTimeout(() => void kernel.launched.interrupt(), 300);
          }
        },
      });
      const replyMs = Date.now() - interruptedAt - 300;
      assert.ok(interruptedAt > 0, "training never got going");
      assert.equal(result.reply.content.ename, "Interrupted");
      // Today's goal is what a spinning cell takes (about 0.3 s); this tells it from the 5 s and 35 s it took before.
      assert.ok(replyMs < 4000, `the interrupt took ${replyMs} ms`);

      const last = displayData(metricsMessages(result.iopub).at(-1)!);
      assert.equal(last.status, "interrupted", "the chart shows its final status");
      const [runId] = runDirs(kernel).filter((dir) => !before.includes(dir));
      const { info, records } = readRun(kernel, runId);
      assert.equal(info.status, "interrupted");
      const end = records.at(-1)!;
      assert.ok(end.type === "end" && end.status === "interrupted", `the run log ends with ${JSON.stringify(end)}`);

      assertOk(await kernel.run(`await ${name}Model.fit(data.x, data.y, { epochs: 1, batchSize: 64 });`));
      assert.equal(await value(kernel, `(${name}Model as any).isTraining`), "false");
    });
  }

  it("an interrupt during a batch longer than the worker's grace waits for the batch end and leaves tfjs sound", async () => {
    // A layer that spins 700 ms in every forward pass makes every batch long, on a fast machine too.
    // One batch first, so that the optimizer's own variables exist before counting tensors.
    const setup = `class SlowLayer extends tf.layers.Layer {
  static className = "SlowLayer";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const until = Date.now() + 700;
    while (Date.now() < until) {}
    return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 1);
  }
}
const heavy = makeData(64, 8);
const heavyModel = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 8 }), new SlowLayer({}), tf.layers.dense({ units: 2, activation: "softmax" })] });
heavyModel.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
await heavyModel.fit(heavy.x, heavy.y, { epochs: 1, batchSize: 64 });
const tensorsBefore = tf.memory().numTensors;`;
    assertOk(await kernel.run(setup));
    const logBefore = kernel.launched.outputTail();
    let interruptedAt = 0;
    const result = await kernel.run(`await heavyModel.fit(heavy.x, heavy.y, { epochs: 100, batchSize: 32 });`, {
      timeoutMs: 90_000,
      stop_on_error: false,
      onIopub: (message) => {
        // The second batch has just begun when the first batch's update arrives.
        if (interruptedAt === 0 && message.header.msg_type === "update_display_data" && displayData(message).step >= 1) {
          interruptedAt = Date.now();
          setTimeout(() => void kernel.launched.interrupt(), 50);
        }
      },
    });
    assert.ok(interruptedAt > 0, "training never got going");
    assert.equal(result.reply.content.ename, "Interrupted");
    const last = displayData(metricsMessages(result.iopub).at(-1)!);
    assert.equal(last.status, "interrupted");
    assert.ok(last.elapsedMs / last.step > 300, `batches took ${last.elapsedMs / last.step} ms: not longer than the worker's grace`);
    assert.doesNotMatch(kernel.launched.outputTail().slice(logBefore.length), /terminated its execution/);
    // tfjs is sound: no tensor left behind by a half-run batch, and training works again.
    assert.equal(await value(kernel, `tf.memory().numTensors - tensorsBefore`), "0");
    assertOk(await kernel.run(`await heavyModel.fit(heavy.x, heavy.y, { epochs: 1, batchSize: 64 });`));
    assert.equal(await value(kernel, `tf.memory().numTensors - tensorsBefore`), "0");
  });
});

describe("training metrics switched off for the session", function () {
  this.timeout(60_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel({ env: { TFJS_STUDIO_METRICS: "off" } });
  });
  after(async () => {
    await kernel?.stop();
  });

  it("TFJS_STUDIO_METRICS=off: fit shows no metrics and writes no run", async () => {
    const result = await kernel.run(`${MODEL}\nawait makeModel(8, 4).fit(data.x, data.y, { epochs: 1 });\ntrainingMetrics.enabled`);
    assertOk(result);
    assert.equal(resultText(result), "false");
    assert.deepEqual(metricsMessages(result.iopub), []);
    assert.deepEqual(runDirs(kernel), []);
  });

  it("TFJS_STUDIO_RUNS_DIR moves the runs folder", async () => {
    const other = path.join(kernel.cwd, "elsewhere");
    const moved = await startStudioKernel({ cwd: kernel.cwd, env: { TFJS_STUDIO_RUNS_DIR: "elsewhere" } });
    try {
      assertOk(await moved.run(`${MODEL}\nawait makeModel(8, 4).fit(data.x, data.y, { epochs: 1 });`));
    } finally {
      await moved.stop();
    }
    assert.equal(fs.readdirSync(other).length, 1);
    assert.deepEqual(runDirs(kernel), []);
  });
});
