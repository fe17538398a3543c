// Measures what the kernel's training instrumentation costs: the same MLP fit with tfjs's own fit and with
// the instrumented one (live metrics published and serialized, run log written), alternated, on one backend.
// The A/B figures are CPU time (the process's), so that a busy machine moves them little; the instrumentation's
// share is also timed directly inside its hooks, in fits of their own.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { LayersModel, Rank } from "@tensorflow/tfjs";
import { ActiveTrainings } from "../../kernel/training/activeTrainings";
import { instrumentTraining } from "../../kernel/training/fitInstrumentation";
import type { Tfjs } from "../../tfjs/tfjsModule";

export interface OverheadOptions {
  backend: "cpu" | "wasm" | "tensorflow";
  samples?: number;
  batchSize?: number;
  /** Epochs per measured fit. */
  epochs?: number;
  /** Measured fits of each kind (alternated; the median counts). */
  repeats?: number;
}

export interface OverheadResult {
  backend: string;
  batchSize: number;
  batchesPerFit: number;
  stockSamplesPerSec: number;
  instrumentedSamplesPerSec: number;
  /** How much more CPU time the instrumented fit takes, in percent (median over back-to-back pairs); negative is noise. */
  overheadPercent: number;
  /** That extra CPU time per batch, in microseconds. */
  perBatchMicros: number;
  /** Wall time inside the instrumentation (callback hooks, display updates) over the fits' time, in percent, from separate timed fits. */
  hookPercent: number;
  /** That time per batch, in microseconds. */
  hookMicrosPerBatch: number;
  displayUpdates: number;
  runLogRecords: number;
}

export async function measureMetricsOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const { backend, samples = 4096, batchSize = 128, epochs = 3, repeats = 5 } = options;
  const tf: Tfjs = require("@tensorflow/tfjs");
  if (backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  if (backend === "tensorflow") require("@tensorflow/tfjs-node");
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
  await tf.ready();

  const { stockFit, counters, runsDir } = instrumentOnce(tf);
  counters.displayUpdates = 0;
  counters.hookMs = 0;
  fs.rmSync(runsDir, { recursive: true, force: true });
  try {
    // An MNIST-MLP-shaped model, built functionally so that fit is LayersModel's own.
    const input = tf.input({ shape: [784] });
    const hidden = tf.layers.dense({ units: 128, activation: "relu" }).apply(input);
    const output = tf.layers.dense({ units: 10, activation: "softmax" }).apply(hidden) as ReturnType<typeof tf.input>;
    const model: LayersModel = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const x = tf.randomUniform([samples, 784]);
    const y = tf.oneHot(tf.randomUniform<Rank.R1>([samples], 0, 10, "int32"), 10);
    const args = { epochs, batchSize, verbose: 0 as const };
    // CPU time, not wall time: other processes on a busy machine then barely move the figures.
    const timed = async (fit: () => Promise<unknown>) => {
      const start = cpuMs();
      await fit();
      return cpuMs() - start;
    };
    await stockFit.call(model, x, y, { ...args, epochs: 1 }); // warm-up: kernels, optimizer variables
    const stock: number[] = [];
    const instrumented: number[] = [];
    for (let i = 0; i < repeats; i++) {
      stock.push(await timed(() => stockFit.call(model, x, y, args)));
      instrumented.push(await timed(() => model.fit(x, y, args)));
    }
    // Then the instrumentation's own share, timed inside its hooks, in fits of their own (the timers cost too).
    counters.hookMs = 0;
    counters.timing = true;
    let hookedFitsMs = 0;
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await model.fit(x, y, args);
      hookedFitsMs += performance.now() - start;
    }
    counters.timing = false;
    tf.dispose([x, y]);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const batchesPerFit = Math.ceil(samples / batchSize) * epochs;
    // Pairs ran back to back, so their ratio is steadier than two separate medians on a busy machine.
    const ratio = median(instrumented.map((ms, i) => ms / stock[i]));
    const stockMs = median(stock);
    const instrumentedMs = stockMs * ratio;
    const runLogRecords = (fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).reduce((sum, run) => sum + fs.readFileSync(path.join(runsDir, run, "metrics.jsonl"), "utf8").split("\n").length - 1, 0);
    return {
      backend,
      batchSize,
      batchesPerFit,
      stockSamplesPerSec: (samples * epochs * 1000) / stockMs,
      instrumentedSamplesPerSec: (samples * epochs * 1000) / instrumentedMs,
      overheadPercent: (ratio - 1) * 100,
      perBatchMicros: ((instrumentedMs - stockMs) * 1000) / batchesPerFit,
      hookPercent: (counters.hookMs / hookedFitsMs) * 100,
      hookMicrosPerBatch: (counters.hookMs * 1000) / (batchesPerFit * repeats),
      displayUpdates: counters.displayUpdates,
      runLogRecords,
    };
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let installed: { stockFit: LayersModel["fit"]; counters: { displayUpdates: number; hookMs: number; timing: boolean }; runsDir: string } | undefined;

/** The fit patch is for good (as in the kernel), so it is installed once, with timers around its hooks. */
function instrumentOnce(tf: Tfjs): NonNullable<typeof installed> {
  if (installed) return installed;
  // Runs go to runs/ in this stand-in notebook folder (unless TFJS_STUDIO_RUNS_DIR says otherwise).
  const notebookDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-metrics-bench-"));
  process.once("exit", () => fs.rmSync(notebookDir, { recursive: true, force: true }));
  const counters = { displayUpdates: 0, hookMs: 0, timing: false };
  let depth = 0;
  const timedHook = <A extends unknown[], R>(hook: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      if (!counters.timing || depth++ > 0) {
        if (counters.timing) depth--;
        return hook.apply(this, args);
      }
      const start = performance.now();
      const end = () => {
        depth--;
        counters.hookMs += performance.now() - start;
      };
      const result = hook.apply(this, args);
      if (result instanceof Promise) return result.finally(end) as R;
      end();
      return result;
    };
  const stockFit = tf.LayersModel.prototype.fit;
  const TrainingCallback = instrumentTraining(
    tf,
    {
      notebookDir,
      notebook: null,
      output: {
        // What the kernel does with an update on this thread: serialize it for the socket worker.
        publish: timedHook((bundle: object) => {
          JSON.stringify(bundle);
          counters.displayUpdates++;
        }),
        warn: (message) => console.error(message),
      },
      pollInterrupt: () => {},
      setInBatch: () => {},
    },
    new ActiveTrainings(),
  );
  // Hooks are async: their time includes waiting for the logs' scalars, which is part of what they cost.
  for (const name of ["onTrainBegin", "onBatchBegin", "onBatchEnd", "onEpochBegin", "onEpochEnd", "onTrainEnd"] as const) {
    const prototype = TrainingCallback.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    prototype[name] = timedHook(prototype[name]);
  }
  installed = { stockFit, counters, runsDir: path.join(notebookDir, "runs") };
  return installed;
}
