// A metric history of bounded size: every point while there are few, then every 2nd, 4th, ... point,
// evenly spread over the whole run, so a renderer that arrives late can still draw all of it.
import type { MetricSeries, MetricValues } from "./runLogSchema";

export interface SeriesPoint {
  step: number;
  epoch: number;
  elapsedMs: number;
  metrics: MetricValues;
}

export class DecimatedSeries {
  private readonly kept: SeriesPoint[] = [];
  private added = 0;
  private stride = 1;
  private latest: SeriesPoint | undefined;

  constructor(private readonly maxPoints: number) {
    if (maxPoints < 2) throw new Error("a series needs room for at least 2 points");
  }

  add(point: SeriesPoint): void {
    this.latest = point;
    if (this.added++ % this.stride !== 0) return;
    this.kept.push(point);
    if (this.kept.length >= this.maxPoints) {
      // Keep the even positions: they are exactly the points a stride twice as long would have kept.
      let write = 0;
      for (let read = 0; read < this.kept.length; read += 2) this.kept[write++] = this.kept[read]!;
      this.kept.length = write;
      this.stride *= 2;
    }
  }

  /** The kept points, plus the newest one, as columns. */
  columns(): MetricSeries {
    const points = this.latest && this.kept.at(-1) !== this.latest ? [...this.kept, this.latest] : this.kept;
    const names = new Set<string>();
    for (const point of points) for (const name of Object.keys(point.metrics)) names.add(name);
    const values: Record<string, (number | null)[]> = {};
    for (const name of names) values[name] = points.map((point) => point.metrics[name] ?? null);
    return {
      step: points.map((point) => point.step),
      epoch: points.map((point) => point.epoch),
      elapsedMs: points.map((point) => point.elapsedMs),
      values,
    };
  }
}
