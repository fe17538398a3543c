// A metric history of bounded size: every point while there are few, then every 2nd, 4th, ... point,
// evenly spread over the whole run, so a renderer that arrives late can still draw all of it. Values are
// rounded for display; the run log keeps them exact.
import type { MetricSeries, MetricValues } from "../../protocol/runLogSchema";

export interface SeriesPoint {
  step: number;
  epoch: number;
  elapsedMs: number;
  metrics: MetricValues;
}

export class DecimatedSeries {
  /** Kept as columns, the form every display update sends, so that an update copies instead of rebuilding. */
  private readonly kept: MetricSeries = { step: [], epoch: [], elapsedMs: [], values: {} };
  private added = 0;
  private stride = 1;
  private latest: SeriesPoint | undefined;
  private latestKept = false;

  constructor(private readonly maxPoints: number) {
    if (maxPoints < 2) throw new Error("a series needs room for at least 2 points");
  }

  add(point: SeriesPoint): void {
    this.latest = { ...point, metrics: rounded(point.metrics) };
    this.latestKept = this.added++ % this.stride === 0;
    if (!this.latestKept) return;
    const kept = this.kept;
    const length = kept.step.length;
    kept.step.push(point.step);
    kept.epoch.push(point.epoch);
    kept.elapsedMs.push(point.elapsedMs);
    for (const name of Object.keys(this.latest.metrics)) kept.values[name] ??= new Array<number | null>(length).fill(null);
    for (const [name, column] of Object.entries(kept.values)) column.push(this.latest.metrics[name] ?? null);
    if (kept.step.length >= this.maxPoints) {
      // Keep the even positions: they are exactly the points a stride twice as long would have kept.
      this.latestKept = (kept.step.length - 1) % 2 === 0;
      for (const column of [kept.step, kept.epoch, kept.elapsedMs, ...Object.values(kept.values)] as unknown[][]) evenPositions(column);
      this.stride *= 2;
    }
  }

  /** The kept points, plus the newest one, as columns. */
  columns(): MetricSeries {
    const { step, epoch, elapsedMs, values } = this.kept;
    const latest = this.latestKept ? undefined : this.latest;
    const withLatest = <T>(column: T[], value: T | undefined) => (latest ? [...column, value as T] : column.slice());
    return {
      step: withLatest(step, latest?.step),
      epoch: withLatest(epoch, latest?.epoch),
      elapsedMs: withLatest(elapsedMs, latest?.elapsedMs),
      values: Object.fromEntries(Object.entries(values).map(([name, column]) => [name, withLatest(column, latest?.metrics[name] ?? null)])),
    };
  }
}

function evenPositions(column: unknown[]): void {
  let write = 0;
  for (let read = 0; read < column.length; read += 2) column[write++] = column[read];
  column.length = write;
}

/** Charts need no more than 6 significant digits, and shorter numbers make every display update cheaper to send. */
function rounded(metrics: MetricValues): MetricValues {
  const result: MetricValues = {};
  for (const [name, value] of Object.entries(metrics)) result[name] = value === null ? null : Number(value.toPrecision(6));
  return result;
}
