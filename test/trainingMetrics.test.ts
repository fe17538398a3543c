// The parts of live training metrics that need no kernel: the throttle, the thinned series, a run's
// display updates and run log on a fake clock, and the schema's parser.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { MimeBundle } from "../protocol/messages";
import { DecimatedSeries } from "../kernel/training/decimatedSeries";
import { progressLine } from "../protocol/metricsFormat";
import {
  METRICS_MIME_TYPE,
  RUN_INFO_FILE,
  RUN_LOG_FILE,
  RUN_LOG_SCHEMA_VERSION,
  parseRunInfo,
  parseRunLogLine,
  type MetricsDisplayData,
  type RunLogRecord,
} from "../protocol/runLogSchema";
import { makeRunId, runsDirectory } from "../kernel/training/runPaths";
import { Throttle } from "../kernel/inKernelModules/throttle";
import { TrainingRun, type RunDescription } from "../kernel/training/trainingRun";
import { metricsEnabledByEnv } from "../kernel/training/trainingSettings";
import { ManualClock } from "./support/manualClock";

/** At most `perSecond` emissions in any window of one second. */
function maxPerSecond(times: number[]): number {
  let max = 0;
  for (let start = 0; start < times.length; start++) {
    let end = start;
    while (end < times.length && times[end] < times[start] + 1000) end++;
    max = Math.max(max, end - start);
  }
  return max;
}

describe("throttle", () => {
  it("emits at most 10 times a second however often it is asked, and the latest request always goes out", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const emitted: number[] = [];
    let state = 0;
    let shown = -1;
    const throttle = new Throttle(() => { emitted.push(clock.now()); shown = state; }, 100, clock);
    for (let i = 0; i < 3000; i++) {
      state = i;
      throttle.request();
      clock.advance(1);
    }
    assert.ok(maxPerSecond(emitted) <= 10, `${maxPerSecond(emitted)} emissions in one second`);
    assert.ok(emitted.length >= 29, `only ${emitted.length} emissions in 3 s`);
    // The trailing emission shows the last state without anyone asking again.
    clock.advance(100);
    assert.equal(shown, 2999);
  });

  it("sends a lone request at once, and one that comes too soon when the interval has passed", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const emitted: number[] = [];
    const throttle = new Throttle(() => emitted.push(clock.now()), 100, clock);
    const start = clock.now();
    throttle.request();
    clock.advance(30);
    throttle.request();
    throttle.request();
    assert.deepEqual(emitted.map((time) => time - start), [0]);
    clock.advance(69);
    assert.deepEqual(emitted.map((time) => time - start), [0]);
    clock.advance(1);
    assert.deepEqual(emitted.map((time) => time - start), [0, 100]);
  });

  it("emits on the call path when timers cannot run (training that never yields)", () => {
    const clock = new ManualClock(1_800_000_000_000);
    let count = 0;
    const throttle = new Throttle(() => count++, 100, clock);
    for (let i = 0; i < 10; i++) {
      throttle.request();
      clock.time += 150; // time passes, but no timer gets to run
    }
    assert.equal(count, 10);
  });

  it("flush emits now, and cancels the pending trailing emission", () => {
    const clock = new ManualClock(1_800_000_000_000);
    let count = 0;
    const throttle = new Throttle(() => count++, 100, clock);
    throttle.request();
    throttle.request();
    throttle.flush();
    assert.equal(count, 2);
    clock.advance(500);
    assert.equal(count, 2);
  });
});

describe("decimated series", () => {
  for (const maxPoints of [100, 101]) {
    it(`keeps at most maxPoints (${maxPoints}), evenly spaced over the whole run, and always the newest point`, () => {
      const series = new DecimatedSeries(maxPoints);
      for (let step = 1; step <= 10_000; step++) {
        series.add({ step, epoch: 1, elapsedMs: step, metrics: { loss: 1 / step } });
        const columns = series.columns();
        assert.equal(columns.step.at(-1), step);
        assert.ok(columns.step.length <= maxPoints + 1, `${columns.step.length} points`);
      }
      const columns = series.columns();
      assert.ok(columns.step.length >= maxPoints / 2, `${columns.step.length} points`);
      assert.equal(columns.step[0], 1);
      const gaps = new Set(columns.step.slice(1, -1).map((step, index) => step - columns.step[index]));
      assert.equal(gaps.size, 1, `uneven gaps ${[...gaps]}`);
      assert.equal(columns.values.loss.at(-1), 0.0001);
      assert.equal(columns.values.loss.length, columns.step.length);
    });
  }

  it("rounds values to 6 significant digits for display", () => {
    const series = new DecimatedSeries(10);
    series.add({ step: 1, epoch: 1, elapsedMs: 1, metrics: { loss: 0.23456789512634277 } });
    assert.deepEqual(series.columns().values.loss, [0.234568]);
  });

  it("fills metrics a point lacks with null", () => {
    const series = new DecimatedSeries(10);
    series.add({ step: 1, epoch: 1, elapsedMs: 1, metrics: { loss: 1 } });
    series.add({ step: 2, epoch: 2, elapsedMs: 2, metrics: { loss: 0.5, val_loss: 0.7 } });
    assert.deepEqual(series.columns().values, { loss: [1, 0.5], val_loss: [null, 0.7] });
  });
});

describe("run id and runs folder", () => {
  it("makes sortable, unique ids from the start time and the model name", () => {
    const id = makeRunId("my model/v2", new Date("2026-11-25T14:50:12.345Z"));
    assert.match(id, /^2026-11-25T14-50-12-345Z-my_model_v2-[0-9a-f]{4}$/);
    assert.notEqual(makeRunId("m"), makeRunId("m"));
    assert.ok(makeRunId("z", new Date(1000)) < makeRunId("a", new Date(2000)));
  });

  it("puts runs next to the notebook unless told otherwise", () => {
    assert.equal(runsDirectory("/nb", undefined, {}), "/nb/runs");
    assert.equal(runsDirectory("/nb", undefined, { TFJS_STUDIO_RUNS_DIR: "logs" }), "/nb/logs");
    assert.equal(runsDirectory("/nb", undefined, { TFJS_STUDIO_RUNS_DIR: "/abs" }), "/abs");
    assert.equal(runsDirectory("/nb", "mine", { TFJS_STUDIO_RUNS_DIR: "/abs" }), "/nb/mine");
  });

  it("reads TFJS_STUDIO_METRICS", () => {
    assert.equal(metricsEnabledByEnv({}), true);
    assert.equal(metricsEnabledByEnv({ TFJS_STUDIO_METRICS: "off" }), false);
    assert.equal(metricsEnabledByEnv({ TFJS_STUDIO_METRICS: "0" }), false);
    assert.equal(metricsEnabledByEnv({ TFJS_STUDIO_METRICS: "on" }), true);
  });
});

const DESCRIPTION: RunDescription = {
  name: "mlp",
  notebook: null,
  notebookDir: "/nb",
  method: "fit",
  backend: { name: "cpu", tfjsVersion: "4.22.0" },
  model: { name: "mlp", layers: [{ name: "dense_1", className: "Dense", outputShape: [null, 2], params: 10, trainable: true }], totalParams: 10, trainableParams: 10 },
  compile: { optimizer: { name: "SGD", config: { learningRate: 0.1 } }, loss: ["meanSquaredError"], metrics: [] },
  fit: { epochs: 3, batchSize: 10 },
};

describe("training run", () => {
  let runsDir: string;
  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-runs-"));
  });
  afterEach(() => {
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  function startRun(clock: ManualClock, published: { bundle: MimeBundle; first: boolean; time: number; displayId: string }[], warnings: string[] = [], dir = runsDir): TrainingRun {
    const run = new TrainingRun({
      description: DESCRIPTION,
      runsDir: dir,
      clock,
      output: { publish: (bundle, displayId, first) => published.push({ bundle, displayId, first, time: clock.now() }), warn: (message) => warnings.push(message) },
    });
    run.start({ epochs: 3, initialEpoch: 0, stepsPerEpoch: 1000, batchSize: 10, samples: 10_000 });
    return run;
  }

  function readLog(run: TrainingRun): RunLogRecord[] {
    return fs.readFileSync(path.join(run.runDir, RUN_LOG_FILE), "utf8").trim().split("\n").map((line) => {
      const parsed = parseRunLogLine(line);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : "");
      return parsed.record;
    });
  }

  it("publishes at most 10 updates a second under one display id, the last one complete", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const published: { bundle: MimeBundle; first: boolean; time: number; displayId: string }[] = [];
    const run = startRun(clock, published);
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let batch = 0; batch < 1000; batch++) {
        clock.advance(2);
        run.batchEnd(epoch, batch, 10, { loss: 1 / (epoch * 1000 + batch + 1) }, 0.1);
      }
      run.epochEnd(epoch, { loss: 1 / (epoch + 1), val_loss: 2 / (epoch + 1) }, false);
    }
    clock.advance(5);
    run.finish("completed");
    clock.advance(1000);

    assert.ok(published.length > 20, `${published.length} updates for 6 s of training`);
    assert.ok(maxPerSecond(published.map((entry) => entry.time)) <= 11, "at most 10 updates a second, plus the final one");
    assert.deepEqual(published.map((entry) => entry.first), [true, ...Array(published.length - 1).fill(false)]);
    assert.equal(new Set(published.map((entry) => entry.displayId)).size, 1);
    assert.equal(published[0].displayId, run.runId);

    const last = published.at(-1)!.bundle;
    const data = last[METRICS_MIME_TYPE] as MetricsDisplayData;
    assert.equal(data.status, "completed");
    assert.equal(data.step, 3000);
    assert.equal(data.epoch, 3);
    assert.deepEqual(data.lastEpoch, { loss: 1 / 3, val_loss: 2 / 3 });
    assert.equal(data.batches.step.at(-1), 3000);
    assert.ok(data.batches.step.length <= 301);
    assert.deepEqual(data.epochsSeries.values.val_loss, [2, 1, 0.666667]);
    assert.equal(data.samplesPerSec, 5000);
    assert.equal(last["text/plain"], progressLine(data));
    assert.equal(last["text/plain"], "Completed · Epoch 3/3 · loss 0.3333 · val_loss 0.6667 · 5,000 samples/s · 6.0 s");
    assert.match(String(last["text/html"]), /<table>/);
  });

  it("writes every record in order, and run.json at the start and the end", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const run = startRun(clock, []);
    const runJson = () => {
      const parsed = parseRunInfo(fs.readFileSync(path.join(run.runDir, RUN_INFO_FILE), "utf8"));
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : "");
      return parsed.record;
    };
    assert.equal(runJson().status, "running");
    assert.equal(runJson().endTime, null);
    for (let batch = 0; batch < 5; batch++) {
      clock.advance(10);
      run.batchEnd(0, batch, 10, { loss: batch === 4 ? NaN : 1 }, undefined);
    }
    clock.advance(10);
    run.epochEnd(0, { loss: 1 }, true);
    run.finish("interrupted", "the cell was interrupted");

    const records = readLog(run);
    assert.deepEqual(records.map((record) => record.type), ["start", "batch", "batch", "batch", "batch", "batch", "epoch", "end"]);
    const start = records[0];
    assert.ok(start.type === "start" && start.schemaVersion === RUN_LOG_SCHEMA_VERSION && start.runId === run.runId && start.stepsPerEpoch === 1000);
    const batches = records.filter((record) => record.type === "batch");
    assert.deepEqual(batches.map((record) => [record.step, record.epoch, record.batch, record.elapsedMs]), [[1, 1, 1, 10], [2, 1, 2, 20], [3, 1, 3, 30], [4, 1, 4, 40], [5, 1, 5, 50]]);
    assert.equal(batches[4].metrics.loss, null, "NaN is written as null");
    const epoch = records[6];
    assert.ok(epoch.type === "epoch" && epoch.partial === true && epoch.epochMs === 60);
    const end = records[7];
    assert.ok(end.type === "end" && end.status === "interrupted" && end.error === "the cell was interrupted");

    const info = runJson();
    assert.equal(info.status, "interrupted");
    assert.equal(info.endTime, clock.now());
    assert.equal(info.epochsCompleted, 0, "a partial epoch does not count");
    assert.equal(info.stepsCompleted, 5);
    assert.deepEqual(info.finalMetrics, { loss: 1 });
    assert.deepEqual(info.model, DESCRIPTION.model);
    // Nothing after the end.
    run.batchEnd(0, 5, 10, { loss: 1 }, undefined);
    run.finish("completed");
    assert.equal(readLog(run).length, 8);
  });

  it("flushes the log at least every second within a long epoch", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const run = startRun(clock, []);
    for (let batch = 0; batch < 30; batch++) {
      clock.advance(50);
      run.batchEnd(0, batch, 10, { loss: 1 }, undefined);
    }
    const written = readLog(run).length;
    assert.ok(written >= 20 && written < 31, `${written} records on disk`);
  });

  it("warns once and keeps training when the run log cannot be written", () => {
    const clock = new ManualClock(1_800_000_000_000);
    const warnings: string[] = [];
    const blocker = path.join(runsDir, "file");
    fs.writeFileSync(blocker, "");
    const published: { bundle: MimeBundle; first: boolean; time: number; displayId: string }[] = [];
    const run = startRun(clock, published, warnings, blocker);
    run.batchEnd(0, 0, 10, { loss: 1 }, undefined);
    run.finish("completed");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /cannot be written/);
    assert.equal((published.at(-1)!.bundle[METRICS_MIME_TYPE] as MetricsDisplayData).status, "completed");
  });
});

describe("run log schema", () => {
  it("rejects what is not a record, with the reason", () => {
    const problems = [
      ["{", /not JSON/],
      ["[]", /JSON object/],
      [`{"type":"batchy"}`, /unknown record type "batchy"/],
      [`{"type":"batch","step":1,"epoch":1,"batch":1,"time":1,"elapsedMs":0,"size":32,"metrics":{"loss":"low"}}`, /"metrics"/],
      [`{"type":"end","step":1,"time":1,"elapsedMs":0,"status":"running","finalMetrics":{}}`, /"status"/],
      [`{"type":"start","schemaVersion":99,"runId":"r","time":1,"epochs":1,"stepsPerEpoch":null,"batchSize":null,"samples":null}`, /schema version 99/],
    ] as const;
    for (const [line, expected] of problems) {
      const parsed = parseRunLogLine(line);
      assert.ok(!parsed.ok, `accepted ${line}`);
      assert.match(parsed.error, expected);
    }
    assert.ok(parseRunLogLine(`{"type":"batch","step":1,"epoch":1,"batch":1,"time":1,"elapsedMs":0,"size":32,"metrics":{"loss":null}}`).ok);
    assert.ok(!parseRunInfo(`{"schemaVersion":1}`).ok);
  });
});
