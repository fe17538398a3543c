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
  /** The metrics the run ended with, as its end record says; null until then. */
  finalMetrics: MetricValues | null;
}

function emptyColumns(): SeriesColumns {
  return { step: [], epoch: [], elapsedMs: [], time: [], values: {} };
}

export function emptyRunSeries(): RunSeries {
  return { batches: emptyColumns(), epochs: emptyColumns(), startTime: null, status: "running", finalMetrics: null };
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
        series.finalMetrics = record.finalMetrics;
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

/**
 * The values a run ended with: its end record's, else (no end record: its kernel died) each metric's last
 * value, an epoch's where there is one. Exact values, for the run list; the charts may smooth them.
 */
export function endValues(series: RunSeries): MetricValues {
  if (series.finalMetrics && Object.keys(series.finalMetrics).length > 0) return series.finalMetrics;
  const values: MetricValues = {};
  for (const columns of [series.batches, series.epochs]) {
    for (const [name, column] of Object.entries(columns.values)) {
      for (let index = column.length - 1; index >= 0; index--) {
        if (column[index] === null) continue;
        values[name] = column[index];
        break;
      }
    }
  }
  return values;
}
