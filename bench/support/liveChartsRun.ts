// The live-chart benchmark's training run: a simulated fit (loss/acc per batch, val_loss/val_acc per epoch)
// fed through the kernel's own TrainingRun, so that the display updates (their times, thinning and JSON) are
// exactly what the kernel publishes, together with the raw logs a tfjs-vis user's callbacks would receive.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { METRICS_MIME_TYPE, type MetricValues } from "../../protocol/runLogSchema";
import { TrainingRun, type RunDescription } from "../../kernel/training/trainingRun";
import { ManualClock } from "../../test/support/manualClock";

export interface LiveChartsRunOptions {
  epochs: number;
  batchesPerEpoch: number;
  /** Simulated training time per batch: sets how many batches each 10 Hz update brings. */
  msPerBatch: number;
}

export interface DisplayUpdate {
  /** Simulated ms since the run started: when the kernel published this update. */
  atMs: number;
  /** Batches and completed epochs by then. */
  steps: number;
  epochs: number;
  /** The update's application/vnd.tfjs-studio.metrics+json, as the JSON text VS Code hands the renderer. */
  json: string;
}

export interface LiveChartsRun {
  updates: DisplayUpdate[];
  /** What tfjs `onBatchEnd` / `onEpochEnd` callbacks receive, in order. */
  batchLogs: MetricValues[];
  epochLogs: MetricValues[];
}

/** Deterministic noise (mulberry32), so every run of the benchmark draws the same curves. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const DESCRIPTION: RunDescription = {
  name: "mnist-mlp",
  notebook: "train.ipynb",
  notebookDir: "/bench",
  method: "fit",
  backend: { name: "wasm", tfjsVersion: "4.22.0" },
  model: { name: "mlp", layers: [{ name: "dense_1", className: "Dense", outputShape: [null, 10], params: 7850, trainable: true }], totalParams: 7850, trainableParams: 7850 },
  compile: { optimizer: { name: "Adam", config: { learningRate: 0.001 } }, loss: ["categoricalCrossentropy"], metrics: ["acc"] },
  fit: { epochs: 20, batchSize: 128 },
};

export function simulateLiveChartsRun(options: LiveChartsRunOptions): LiveChartsRun {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-live-charts-"));
  try {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const start = clock.now();
    const updates: DisplayUpdate[] = [];
    const batchLogs: MetricValues[] = [];
    const epochLogs: MetricValues[] = [];
    const run = new TrainingRun({
      description: { ...DESCRIPTION, fit: { epochs: options.epochs, batchSize: 128 } },
      runsDir,
      clock,
      output: {
        publish: (bundle) => updates.push({ atMs: clock.now() - start, steps: batchLogs.length, epochs: epochLogs.length, json: JSON.stringify(bundle[METRICS_MIME_TYPE]) }),
        warn: (message) => {
          throw new Error(`the simulated run warned: ${message}`);
        },
      },
    });
    const samples = options.batchesPerEpoch * 128;
    run.start({ epochs: options.epochs, initialEpoch: 0, stepsPerEpoch: options.batchesPerEpoch, batchSize: 128, samples });
    const jitter = noise(42);
    const lossAt = (step: number): number => 2.3 * Math.exp(-step / 700) + 0.08;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      let lossSum = 0;
      let accSum = 0;
      for (let batch = 0; batch < options.batchesPerEpoch; batch++) {
        clock.advance(options.msPerBatch);
        const loss = Math.max(0.01, lossAt(batchLogs.length) * (1 + 0.4 * jitter()));
        const acc = Math.min(1, Math.max(0, 1 - loss / 2.4 + 0.05 * jitter()));
        lossSum += loss;
        accSum += acc;
        batchLogs.push({ loss, acc });
        run.batchEnd(epoch, batch, 128, { loss, acc }, 0.001);
      }
      const mean = { loss: lossSum / options.batchesPerEpoch, acc: accSum / options.batchesPerEpoch };
      const logs = { ...mean, val_loss: mean.loss * (1.1 + 0.01 * epoch), val_acc: mean.acc * 0.98 };
      epochLogs.push(logs);
      run.epochEnd(epoch, logs, false);
    }
    run.finish("completed");
    return { updates, batchLogs, epochLogs };
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}
