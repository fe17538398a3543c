// THE schema of a training run as the kernel records it: the lines of runs/<run-id>/metrics.jsonl,
// runs/<run-id>/run.json, and the live display (application/vnd.tfjs-studio.metrics+json).
// The VS Code panels read the same files through this module, so change it only with RUN_LOG_SCHEMA_VERSION.

/** Bumped on any incompatible change to the records below. */
export const RUN_LOG_SCHEMA_VERSION = 1;
export const METRICS_MIME_TYPE = "application/vnd.tfjs-studio.metrics+json";
export const RUN_LOG_FILE = "metrics.jsonl";
export const RUN_INFO_FILE = "run.json";

export type RunStatus = "running" | "completed" | "interrupted" | "failed";
export type FinalStatus = Exclude<RunStatus, "running">;

/**
 * Metric name → value: `loss`, every compiled metric under its tfjs name (`acc`, `mse`, ...), and `val_*`
 * at epoch ends when there is validation. `null` stands for a value JSON cannot hold (NaN, ±Infinity).
 */
export type MetricValues = Record<string, number | null>;

/** Numbering: `epoch` and `batch` count from 1 (the first epoch is 1); `step` counts batches over the whole run. */
export interface RunStartRecord {
  type: "start";
  schemaVersion: number;
  runId: string;
  /** Wall time, ms since 1970. */
  time: number;
  /** The epoch training ends with, as tfjs counts `epochs` (an initialEpoch's epochs included). */
  epochs: number | null;
  /** Batches per epoch when known before training (fit with tensors, fitDataset with batchesPerEpoch). */
  stepsPerEpoch: number | null;
  batchSize: number | null;
  samples: number | null;
}

export interface BatchRecord {
  type: "batch";
  step: number;
  epoch: number;
  batch: number;
  time: number;
  /** ms since the run started. */
  elapsedMs: number;
  /** Samples in this batch. */
  size: number;
  metrics: MetricValues;
  /** The optimizer's learning rate, when it has a plain numeric one. */
  learningRate?: number;
  /** Recent throughput (about the last second). */
  samplesPerSec?: number;
}

export interface EpochRecord {
  type: "epoch";
  step: number;
  epoch: number;
  time: number;
  elapsedMs: number;
  /** Means over the epoch's batches, plus val_* when there is validation. */
  metrics: MetricValues;
  learningRate?: number;
  /** Throughput over the whole epoch. */
  samplesPerSec?: number;
  epochMs: number;
  /** The epoch was stopped before its last batch (interrupt, or stopTraining set in a batch); its means cover the batches it ran. */
  partial?: boolean;
}

export interface RunEndRecord {
  type: "end";
  step: number;
  time: number;
  elapsedMs: number;
  status: FinalStatus;
  error?: string;
  finalMetrics: MetricValues;
}

export type RunLogRecord = RunStartRecord | BatchRecord | EpochRecord | RunEndRecord;

export interface LayerSummary {
  name: string;
  className: string;
  /** e.g. [null, 128]; several shapes for layers with several outputs. */
  outputShape: (number | null)[] | (number | null)[][];
  params: number;
  trainable: boolean;
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
}

export interface CompileSummary {
  optimizer: { name: string; config: Record<string, unknown> } | null;
  /** Loss names (a function loss by its function name). */
  loss: string[];
  /** The compiled metrics as tfjs names them in logs (loss excluded). */
  metrics: string[];
}

/** The fit (or fitDataset) arguments that JSON can hold; tensors and datasets are described, not stored. */
export type FitSummary = Record<string, number | string | boolean | null>;

export interface RunInfo {
  schemaVersion: number;
  runId: string;
  /** The run's name: metricsCallback({ name }) or the model's name. */
  name: string;
  /** The notebook file when the frontend said which (JPY_SESSION_NAME), else null. */
  notebook: string | null;
  /** The folder the kernel runs in: the notebook's folder. */
  notebookDir: string;
  method: "fit" | "fitDataset";
  status: RunStatus;
  /** Set when status is "failed" (the error) or "interrupted" (why). */
  error?: string;
  startTime: number;
  endTime: number | null;
  backend: { name: string; tfjsVersion: string };
  model: ModelSummary;
  compile: CompileSummary | null;
  fit: FitSummary;
  /** Whole epochs trained (a partial last epoch not counted). */
  epochsCompleted: number;
  stepsCompleted: number;
  /** The last epoch's metrics, or the last batch's when no epoch completed. */
  finalMetrics: MetricValues;
  /** The kernel writing the run: a reader on the same host tells a run whose kernel died from a live one. */
  writer?: { pid: number; host: string };
}

/** How a reader sees a run: a run still "running" whose writer is gone on this host ended with its kernel. */
export type ObservedRunStatus = RunStatus | "kernelExited";

/** One series of points, columnar: x[i] belongs with every values[name][i]. */
export interface MetricSeries {
  step: number[];
  epoch: number[];
  elapsedMs: number[];
  values: Record<string, (number | null)[]>;
}

/** What the live display carries: the state of the run, and its history thinned to at most a few hundred points a series. */
export interface MetricsDisplayData {
  schemaVersion: number;
  runId: string;
  runDir: string;
  name: string;
  status: RunStatus;
  error?: string;
  startTime: number;
  elapsedMs: number;
  epochs: number | null;
  stepsPerEpoch: number | null;
  epoch: number;
  batch: number;
  step: number;
  samplesPerSec: number | null;
  learningRate: number | null;
  lastBatch: MetricValues;
  lastEpoch: MetricValues;
  /** Every batch, decimated evenly (the newest point always present). */
  batches: MetricSeries;
  /** Every epoch end. */
  epochsSeries: MetricSeries;
}

export type ParseResult<T> = { ok: true; record: T } | { ok: false; error: string };

/** Parses one line of metrics.jsonl into a typed record, or says what is wrong with it. */
export function parseRunLogLine(line: string): ParseResult<RunLogRecord> {
  return parseChecked<RunLogRecord>(line, runLogRecordProblem);
}

/** Parses the text of run.json. */
export function parseRunInfo(text: string): ParseResult<RunInfo> {
  return parseChecked<RunInfo>(text, runInfoProblem);
}

/** JSON that `problemOf` finds nothing wrong with (it returns what is wrong, or undefined). */
function parseChecked<T>(text: string, problemOf: (value: unknown) => string | undefined): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const problem = problemOf(value);
  return problem ? { ok: false, error: problem } : { ok: true, record: value as T };
}

const STATUSES: readonly string[] = ["running", "completed", "interrupted", "failed"];

type Check = (value: unknown) => boolean;
const isNumber: Check = (value) => typeof value === "number" && Number.isFinite(value);
const isString: Check = (value) => typeof value === "string";
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const orNull = (check: Check): Check => (value) => value === null || check(value);
const optional = (check: Check): Check => (value) => value === undefined || check(value);
const isMetrics: Check = (value) => isObject(value) && Object.values(value).every(orNull(isNumber));
const isStatus: Check = (value) => typeof value === "string" && STATUSES.includes(value);
const isFinalStatus: Check = (value) => isStatus(value) && value !== "running";

function fieldsProblem(value: Record<string, unknown>, fields: Record<string, Check>, what: string): string | undefined {
  for (const [name, check] of Object.entries(fields)) {
    if (!check(value[name])) return `${what}: field "${name}" is missing or invalid (${JSON.stringify(value[name])})`;
  }
  return undefined;
}

const RECORD_FIELDS: Record<RunLogRecord["type"], Record<string, Check>> = {
  start: { schemaVersion: isNumber, runId: isString, time: isNumber, epochs: orNull(isNumber), stepsPerEpoch: orNull(isNumber), batchSize: orNull(isNumber), samples: orNull(isNumber) },
  batch: { step: isNumber, epoch: isNumber, batch: isNumber, time: isNumber, elapsedMs: isNumber, size: isNumber, metrics: isMetrics, learningRate: optional(isNumber), samplesPerSec: optional(isNumber) },
  epoch: { step: isNumber, epoch: isNumber, time: isNumber, elapsedMs: isNumber, metrics: isMetrics, learningRate: optional(isNumber), samplesPerSec: optional(isNumber), epochMs: isNumber, partial: optional((value) => typeof value === "boolean") },
  end: { step: isNumber, time: isNumber, elapsedMs: isNumber, status: isFinalStatus, error: optional(isString), finalMetrics: isMetrics },
};

function runLogRecordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "a record must be a JSON object";
  const fields = RECORD_FIELDS[value.type as RunLogRecord["type"]];
  if (!fields) return `unknown record type ${JSON.stringify(value.type)}`;
  if (value.type === "start" && value.schemaVersion !== RUN_LOG_SCHEMA_VERSION) return `schema version ${JSON.stringify(value.schemaVersion)} is not ${RUN_LOG_SCHEMA_VERSION}`;
  return fieldsProblem(value, fields, `${String(value.type)} record`);
}

function runInfoProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "run.json must hold a JSON object";
  if (value.schemaVersion !== RUN_LOG_SCHEMA_VERSION) return `schema version ${JSON.stringify(value.schemaVersion)} is not ${RUN_LOG_SCHEMA_VERSION}`;
  const problem = fieldsProblem(value, {
    runId: isString,
    name: isString,
    notebook: orNull(isString),
    notebookDir: isString,
    method: (method) => method === "fit" || method === "fitDataset",
    status: isStatus,
    error: optional(isString),
    startTime: isNumber,
    endTime: orNull(isNumber),
    backend: isObject,
    model: isObject,
    compile: (compile) => compile === null || isObject(compile),
    fit: isObject,
    epochsCompleted: isNumber,
    stepsCompleted: isNumber,
    finalMetrics: isMetrics,
    writer: optional((writer) => isObject(writer) && isNumber(writer.pid) && isString(writer.host)),
  }, "run.json");
  if (problem) return problem;
  const model = value.model as Record<string, unknown>;
  if (!Array.isArray(model.layers) || !isNumber(model.totalParams) || !isNumber(model.trainableParams)) return "run.json: model summary is invalid";
  return undefined;
}
