// The tfjs callback the kernel adds to every fit: it feeds a TrainingRun with batch and epoch metrics,
// and stops training at a batch end when the cell is interrupted.
import type { LayersModel, Scalar } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjs/tfjsModule";
import { backendOf, learningRateOf, summarizeCompile, summarizeModel } from "./runDescription";
import type { FitSummary, MetricValues } from "../../protocol/runLogSchema";
import { runsDirectory } from "./runPaths";
import { TrainingRun, type RunOutput } from "./trainingRun";

export interface MetricsCallbackOptions {
  /** Names the run (default: the model's name). */
  name?: string;
  /** At most one display update per this many ms; at least 100 (10 updates a second). */
  throttleMs?: number;
  /** Where runs are written (default: $TFJS_STUDIO_RUNS_DIR, else `runs/` next to the notebook). */
  runsDir?: string;
  /** false: no live metrics and no run log for this fit. */
  enabled?: boolean;
}

/** What the callback needs from the kernel. */
export interface TrainingEnvironment {
  notebookDir: string;
  notebook: string | null;
  /** Where runs show their display and warnings. */
  output: RunOutput;
  /** Acts on an interrupt the socket worker flagged but the event loop has not delivered yet (training may not yield). */
  pollInterrupt(): void;
  /**
   * Tells the socket worker whether tfjs computes a batch: an interrupt then waits for the batch's end instead of
   * terminating JavaScript. The kernel's fit wrapper brackets exactly that computation.
   */
  setInBatch(inBatch: boolean): void;
}

/** The fit this callback serves, as the kernel's fit wrapper saw it. */
export interface FitCall {
  /** The model fit was called on (a Sequential trains through an inner LayersModel). */
  model: LayersModel;
  method: "fit" | "fitDataset";
  args: FitSummary;
}

type LogValues = { [key: string]: number | Scalar };

/** Raised from a batch start after an interrupt, when training reached one without stopping (e.g. it waited for data). */
export class TrainingStopped extends Error {
  override name = "TrainingStopped";
}

export type TrainingCallback = InstanceType<ReturnType<typeof defineTrainingCallback>>;

/** tf.Callback exists only once tfjs is loaded, so the class is made for that tfjs instance. */
export function defineTrainingCallback(tf: Tfjs, environment: TrainingEnvironment) {
  return class TrainingCallback extends tf.Callback {
    run: TrainingRun | undefined;
    fitCall: FitCall | undefined;
    stopRequested = false;
    private stoppedInBatch = false;
    private epoch = 0;
    /** The last batch that ended in this epoch (-1 before the first), and the fit's totals, for stoppedAt. */
    private lastBatch = -1;
    private totals: { epochs: number | null; stepsPerEpoch: number | null } = { epochs: null, stepsPerEpoch: null };

    constructor(readonly options: MetricsCallbackOptions = {}) {
      super();
    }

    /** Called by the kernel's fit wrapper before training. */
    attach(call: FitCall): void {
      this.fitCall = call;
      this.run = undefined;
      this.stopRequested = false;
    }

    detach(): void {
      this.fitCall = undefined;
      environment.setInBatch(false);
    }

    get attached(): boolean {
      return this.fitCall !== undefined;
    }

    /** Training stops at the end of the current batch; a batch not yet started does not start. */
    requestStop(): void {
      this.stopRequested = true;
      if (this.model) this.model.stopTraining = true;
    }

    /**
     * The fit is stuck in a user callback and will not reach its batch end: its run ends now, and its model may
     * fit again (tfjs refuses a second fit while the first has not returned).
     */
    abandon(): void {
      this.run?.finish("interrupted", "the cell was interrupted");
      for (const model of [this.fitCall?.model, this.model]) if (model) (model as unknown as { isTraining: boolean }).isTraining = false;
      this.detach();
    }

    /** Where the interrupted training stopped, as the interrupted cell's message says it. */
    stoppedAt(): string {
      const { epochs, stepsPerEpoch } = this.totals;
      const epoch = `epoch ${this.epoch + 1}${epochs === null ? "" : `/${epochs}`}`;
      const where = this.lastBatch < 0 ? `before the first batch of ${epoch}` : `after batch ${this.lastBatch + 1}${stepsPerEpoch === null ? "" : `/${stepsPerEpoch}`} of ${epoch}`;
      return `during training, ${where}; the model keeps the weights it had then`;
    }

    override async onTrainBegin(): Promise<void> {
      this.stoppedInBatch = false;
      this.lastBatch = -1;
      if (this.options.enabled === false) return;
      const model = this.fitCall?.model ?? this.model;
      const params = this.params;
      const finite = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
      const batchSize = finite(params.batchSize);
      const samples = finite(params.samples);
      this.run = new TrainingRun({
        description: {
          name: this.options.name ?? model.name,
          notebook: environment.notebook,
          notebookDir: environment.notebookDir,
          method: this.fitCall?.method ?? "fit",
          backend: backendOf(tf),
          model: summarizeModel(model),
          compile: summarizeCompile(model),
          fit: this.fitCall?.args ?? { epochs: finite(params.epochs), batchSize },
        },
        runsDir: runsDirectory(environment.notebookDir, this.options.runsDir),
        output: environment.output,
        throttleMs: this.options.throttleMs,
      });
      this.totals = { epochs: finite(params.epochs), stepsPerEpoch: samples !== null && batchSize ? Math.ceil(samples / batchSize) : finite(params.steps) };
      this.run.start({
        epochs: this.totals.epochs,
        initialEpoch: finite(params.initialEpoch) ?? 0,
        stepsPerEpoch: this.totals.stepsPerEpoch,
        batchSize,
        samples,
      });
    }

    override async onBatchBegin(): Promise<void> {
      if (this.stopRequested) throw new TrainingStopped("training was interrupted");
      // Last in the wrapper's list: tfjs computes next. (Without the wrapper nothing marks the batch's end.)
      if (this.attached) environment.setInBatch(true);
    }

    override async onBatchEnd(batch: number, logs?: LogValues): Promise<void> {
      // Last, after the user's callbacks: an interrupt acted on earlier would let a spinning one run on.
      environment.pollInterrupt();
      this.lastBatch = batch;
      if (this.run) {
        const size = typeof logs?.size === "number" ? logs.size : 0;
        await readOnGpu(tf, logs);
        this.run.batchEnd(this.epoch, batch, size, resolveLogs(logs), learningRateOf(this.model));
      }
      if (this.stopRequested) this.model.stopTraining = true;
      this.stoppedInBatch = this.model.stopTraining;
    }

    override async onEpochBegin(epoch: number): Promise<void> {
      this.epoch = epoch;
      this.lastBatch = -1;
    }

    override async onEpochEnd(epoch: number, logs?: LogValues): Promise<void> {
      if (!this.run) return;
      await readOnGpu(tf, logs);
      this.run.epochEnd(epoch, resolveLogs(logs), this.stoppedInBatch);
    }

    override async onTrainEnd(): Promise<void> {
      // Without the kernel's fit wrapper (a model from another tfjs), the run ends here.
      if (!this.attached) this.run?.finish(this.stopRequested ? "interrupted" : "completed");
    }
  };
}

/** WebGPU in Node reads only asynchronously: the logs' values are read that way first, and resolveLogs finds them on the CPU. */
async function readOnGpu(tf: Tfjs, logs: LogValues | undefined): Promise<void> {
  if (tf.getBackend() !== "webgpu") return;
  const reads: Promise<unknown>[] = [];
  for (const value of Object.values(logs ?? {})) if (typeof value !== "number") reads.push(value.data());
  await Promise.all(reads);
}

/**
 * Turns the logs' scalars into numbers in place, as tfjs does for its own custom callbacks, so that later
 * callbacks and tfjs's cleanup see numbers and no tensor is read twice. Read synchronously: on the CPU backends (cpu,
 * wasm, tensorflow) the values are computed already, and a promise per value costs more than the read.
 */
function resolveLogs(logs: LogValues | undefined): MetricValues {
  const metrics: MetricValues = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (key === "batch" || key === "size") continue;
    if (typeof value === "number") {
      metrics[key] = finiteOrNull(value);
    } else {
      const number = value.dataSync()[0];
      value.dispose();
      logs![key] = number;
      metrics[key] = finiteOrNull(number);
    }
  }
  return metrics;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
