// One training run from start to end: keeps its state and history, appends it to the run log, and
// publishes it as one live display, throttled, whose last update is always the complete final state.
import { hostname } from "node:os";
import { join } from "node:path";
import type { MimeBundle } from "../../protocol/messages";
import { DecimatedSeries } from "./decimatedSeries";
import { metricsBundle } from "../../protocol/metricsFormat";
import { makeRunId } from "./runPaths";
import { RunLogWriter } from "./runLogWriter";
import {
  RUN_LOG_SCHEMA_VERSION,
  type FinalStatus,
  type MetricValues,
  type MetricsDisplayData,
  type RunInfo,
  type RunStatus,
} from "../../protocol/runLogSchema";
import { Throttle, systemClock, type Clock } from "../inKernelModules/throttle";

/** Fewer would never reach 10 updates a second's worth of detail; more makes every update heavier to send. */
const MAX_BATCH_POINTS = 300;
const MAX_EPOCH_POINTS = 1000;
const RATE_WINDOW_MS = 1000;
export const MIN_THROTTLE_MS = 100;

/** What run.json says about the run besides its progress. */
export type RunDescription = Pick<RunInfo, "name" | "notebook" | "notebookDir" | "method" | "backend" | "model" | "compile" | "fit">;

export interface TrainingPlan {
  epochs: number | null;
  initialEpoch: number;
  stepsPerEpoch: number | null;
  batchSize: number | null;
  samples: number | null;
}

export interface RunOutput {
  /** Shows the display under displayId (first = true), or replaces it. */
  publish(bundle: MimeBundle, displayId: string, first: boolean): void;
  /** A problem worth telling the user that does not stop training. */
  warn(message: string): void;
}

export interface TrainingRunOptions {
  description: RunDescription;
  runsDir: string;
  output: RunOutput;
  throttleMs?: number;
  clock?: Clock;
}

export class TrainingRun {
  readonly runId: string;
  readonly runDir: string;
  private readonly description: RunDescription;
  private readonly output: RunOutput;
  private readonly clock: Clock;
  private readonly writer: RunLogWriter;
  private readonly throttle: Throttle;
  private readonly startTime: number;
  private readonly batchSeries = new DecimatedSeries(MAX_BATCH_POINTS);
  private readonly epochSeries = new DecimatedSeries(MAX_EPOCH_POINTS);
  private plan: TrainingPlan = { epochs: null, initialEpoch: 0, stepsPerEpoch: null, batchSize: null, samples: null };
  private status: RunStatus = "running";
  private error: string | undefined;
  private endTime: number | null = null;
  private shown = false;
  private displayBroken = false;
  private step = 0;
  private epoch = 1;
  private batch = 0;
  private epochsCompleted = 0;
  private lastBatch: MetricValues = {};
  private lastEpoch: MetricValues = {};
  private learningRate: number | undefined;
  private samplesPerSec: number | null = null;
  private window = { start: 0, samples: 0 };
  private epochStart = { time: 0, samples: 0 };
  private samples = 0;

  constructor(options: TrainingRunOptions) {
    this.description = options.description;
    this.output = options.output;
    this.clock = options.clock ?? systemClock;
    this.startTime = this.clock.now();
    this.runId = makeRunId(options.description.name, new Date(this.startTime));
    this.runDir = join(options.runsDir, this.runId);
    this.writer = new RunLogWriter(this.runDir, (message) => options.output.warn(message), this.clock);
    this.throttle = new Throttle(() => this.publish(), Math.max(MIN_THROTTLE_MS, options.throttleMs ?? MIN_THROTTLE_MS), this.clock);
    this.window.start = this.epochStart.time = this.startTime;
  }

  get finished(): boolean {
    return this.status !== "running";
  }

  start(plan: TrainingPlan): void {
    this.plan = plan;
    this.epoch = plan.initialEpoch + 1;
    this.writer.append({
      type: "start",
      schemaVersion: RUN_LOG_SCHEMA_VERSION,
      runId: this.runId,
      time: this.startTime,
      epochs: plan.epochs,
      stepsPerEpoch: plan.stepsPerEpoch,
      batchSize: plan.batchSize,
      samples: plan.samples,
    });
    this.writer.flush();
    this.writer.writeInfo(this.info());
    this.throttle.flush();
  }

  /** `epochIndex` and `batchIndex` as tfjs gives them (from 0). */
  batchEnd(epochIndex: number, batchIndex: number, size: number, metrics: MetricValues, learningRate: number | undefined): void {
    if (this.finished) return;
    const now = this.clock.now();
    this.step++;
    this.epoch = epochIndex + 1;
    this.batch = batchIndex + 1;
    this.samples += size;
    this.lastBatch = metrics;
    this.learningRate = learningRate;
    this.window.samples += size;
    const windowMs = now - this.window.start;
    if (windowMs > 0) this.samplesPerSec = (this.window.samples * 1000) / windowMs;
    if (windowMs >= RATE_WINDOW_MS) this.window = { start: now, samples: 0 };
    const elapsedMs = now - this.startTime;
    this.writer.append({
      type: "batch",
      step: this.step,
      epoch: this.epoch,
      batch: this.batch,
      time: now,
      elapsedMs,
      size,
      metrics,
      ...(learningRate === undefined ? {} : { learningRate }),
      ...(this.samplesPerSec === null ? {} : { samplesPerSec: this.samplesPerSec }),
    });
    this.batchSeries.add({ step: this.step, epoch: this.epoch, elapsedMs, metrics });
    this.throttle.request();
  }

  /** `stoppedInBatch`: stopTraining was set at a batch end, so the epoch may have ended before its last batch. */
  epochEnd(epochIndex: number, metrics: MetricValues, stoppedInBatch: boolean): void {
    if (this.finished) return;
    const partial = stoppedInBatch && (this.plan.stepsPerEpoch === null || this.batch < this.plan.stepsPerEpoch);
    const now = this.clock.now();
    const epochMs = now - this.epochStart.time;
    const epochSamples = this.samples - this.epochStart.samples;
    this.epoch = epochIndex + 1;
    this.lastEpoch = metrics;
    if (!partial) this.epochsCompleted++;
    const elapsedMs = now - this.startTime;
    this.writer.append({
      type: "epoch",
      step: this.step,
      epoch: this.epoch,
      time: now,
      elapsedMs,
      metrics,
      ...(this.learningRate === undefined ? {} : { learningRate: this.learningRate }),
      ...(epochMs > 0 && epochSamples > 0 ? { samplesPerSec: (epochSamples * 1000) / epochMs } : {}),
      epochMs,
      ...(partial ? { partial } : {}),
    });
    this.writer.flush();
    this.epochSeries.add({ step: this.step, epoch: this.epoch, elapsedMs, metrics });
    this.epochStart = { time: now, samples: this.samples };
    this.throttle.request();
  }

  /** Ends the run once: the end record, the final run.json, and the complete last display update. */
  finish(status: FinalStatus, error?: string): void {
    if (this.finished) return;
    this.status = status;
    this.error = error;
    this.endTime = this.clock.now();
    this.writer.append({
      type: "end",
      step: this.step,
      time: this.endTime,
      elapsedMs: this.endTime - this.startTime,
      status,
      ...(error === undefined ? {} : { error }),
      finalMetrics: this.finalMetrics(),
    });
    this.writer.flush();
    this.writer.writeInfo(this.info());
    this.throttle.flush();
  }

  displayData(): MetricsDisplayData {
    return {
      schemaVersion: RUN_LOG_SCHEMA_VERSION,
      runId: this.runId,
      runDir: this.runDir,
      name: this.description.name,
      status: this.status,
      ...(this.error === undefined ? {} : { error: this.error }),
      startTime: this.startTime,
      elapsedMs: (this.endTime ?? this.clock.now()) - this.startTime,
      epochs: this.plan.epochs,
      stepsPerEpoch: this.plan.stepsPerEpoch,
      epoch: this.epoch,
      batch: this.batch,
      step: this.step,
      samplesPerSec: this.samplesPerSec,
      learningRate: this.learningRate ?? null,
      lastBatch: this.lastBatch,
      lastEpoch: this.lastEpoch,
      batches: this.batchSeries.columns(),
      epochsSeries: this.epochSeries.columns(),
    };
  }

  private finalMetrics(): MetricValues {
    return Object.keys(this.lastEpoch).length > 0 ? this.lastEpoch : this.lastBatch;
  }

  private info(): RunInfo {
    return {
      schemaVersion: RUN_LOG_SCHEMA_VERSION,
      runId: this.runId,
      ...this.description,
      status: this.status,
      ...(this.error === undefined ? {} : { error: this.error }),
      startTime: this.startTime,
      endTime: this.endTime,
      epochsCompleted: this.epochsCompleted,
      stepsCompleted: this.step,
      finalMetrics: this.finalMetrics(),
      writer: { pid: process.pid, host: hostname() },
    };
  }

  private publish(): void {
    if (this.displayBroken) return;
    try {
      this.output.publish(metricsBundle(this.displayData()), this.runId, !this.shown);
      this.shown = true;
    } catch (error) {
      this.displayBroken = true;
      this.output.warn(`the live metrics cannot be shown: ${(error as Error).message}`);
    }
  }
}
