// A run's chartable history built from its run log records, as columns: the batch points and the epoch
// points, each with every x the charts offer (step, time since start, wall time). Records arrive in pieces
// while the log is followed; a metric that first appears late gets nulls before it.
import type { RunLogRecord, MetricValues, RunStatus } from "./runLogSchema";

export interface SeriesColumns {
  step: number[];
  epoch: number[];
  elapsedMs: number[];
  /** Wall time, ms since 1970. */
  time: number[];
  values: Record<string, (number | null)[]>;
}

export interface RunSeries {
  batches: SeriesColumns;
  epochs: SeriesColumns;
  startTime: number | null;
  /** The status the log itself shows: "running" until its end record. */
  status: RunStatus;
}

function emptyColumns(): SeriesColumns {
  return { step: [], epoch: [], elapsedMs: [], time: [], values: {} };
}

export function emptyRunSeries(): RunSeries {
  return { batches: emptyColumns(), epochs: emptyColumns(), startTime: null, status: "running" };
}

/** Adds records to the series in place (the panel keeps one per run and feeds it as the log grows). */
export function appendRecords(series: RunSeries, records: readonly RunLogRecord[]): void {
  for (const record of records) {
    switch (record.type) {
      case "start":
        series.startTime = record.time;
        break;
      case "batch":
        appendPoint(series.batches, record.step, record.epoch, record.elapsedMs, record.time, record.metrics);
        break;
      case "epoch":
        appendPoint(series.epochs, record.step, record.epoch, record.elapsedMs, record.time, record.metrics);
        break;
      case "end":
        series.status = record.status;
        break;
    }
  }
}

function appendPoint(columns: SeriesColumns, step: number, epoch: number, elapsedMs: number, time: number, metrics: MetricValues): void {
  const length = columns.step.length;
  columns.step.push(step);
  columns.epoch.push(epoch);
  columns.elapsedMs.push(elapsedMs);
  columns.time.push(time);
  for (const name of Object.keys(metrics)) columns.values[name] ??= new Array<number | null>(length).fill(null);
  for (const [name, column] of Object.entries(columns.values)) column.push(metrics[name] ?? null);
}

/** Every metric name the run has, in batches or epochs. */
export function metricNames(series: RunSeries): string[] {
  return [...new Set([...Object.keys(series.batches.values), ...Object.keys(series.epochs.values)])];
}
