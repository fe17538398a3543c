// The y axis of a metric chart. Bounded metrics (accuracy, precision, recall, AUC, ...) stay in [0, 1]: an
// accuracy at 1.0 is at the top of its axis, not in the middle of a 0–2 one. A log axis is for positive
// unbounded metrics such as a loss; anything else keeps a linear one. A constant series gets an axis around
// its value.

/** "unit": linear within [0, 1]. */
export type YScale = "linear" | "log" | "unit";

const BOUNDED_METRIC = /(acc|accuracy|precision|recall|auc|f1|f1score|iou)$/i;
const VALIDATION_PREFIX = /^val_/;
/** Room above and below the data, as a share of its span. */
const PADDING = 0.1;
/** Rounding error, relative to the values: smoothing a constant 1 gives 1.0000000000000002, which is still 1. */
const EPSILON = 1e-9;
/** A [0, 1] axis whose end is this close to 0 or 1 ends there: an accuracy from 0.06 to 0.97 reads as 0 to 1. */
const UNIT_SNAP = 0.1;

/** Whether a metric's values lie in [0, 1] by definition, by its tfjs name (val_ twins included). */
export function isBoundedMetric(name: string): boolean {
  return BOUNDED_METRIC.test(name.replace(VALIDATION_PREFIX, ""));
}

/** The scale for a chart of this metric: log only when asked for and every value is positive; [0, 1] for a
 * bounded metric whose values are indeed in it (a custom "acc" in percent keeps a linear axis). */
export function yScaleFor(metric: string, wantLog: boolean, columns: readonly (readonly (number | null)[])[]): YScale {
  const values = columns.flat().filter((value): value is number => value !== null && Number.isFinite(value));
  if (isBoundedMetric(metric)) return values.every((value) => value >= -EPSILON && value <= 1 + EPSILON) ? "unit" : "linear";
  return wantLog && values.every((value) => value > 0) ? "log" : "linear";
}

/** The axis range for data from min to max (null: no data yet). */
export function yRange(scale: YScale, min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return scale === "log" ? [0.1, 1] : [0, 1];
  if (scale === "log") {
    // Whole decades, one beyond a value that is itself a power of ten.
    const low = Math.floor(Math.log10(min));
    const high = Math.ceil(Math.log10(max));
    return [10 ** (high === low ? low - 1 : low), 10 ** (high === low ? high + 1 : high)];
  }
  // A span of rounding errors is no span: an axis over it would need millions of ticks.
  const constant = max - min <= Math.max(Math.abs(min), Math.abs(max)) * EPSILON;
  if (scale === "unit" && constant) return [0, 1];
  const pad = constant ? Math.abs(min) * PADDING || 1 : (max - min) * PADDING;
  // A metric that is never negative gets no negative axis.
  const range: [number, number] = [min >= 0 ? Math.max(0, min - pad) : min - pad, max + pad];
  return clampToScale(range, scale);
}

/** A range kept inside what the scale can show: [0, 1] for "unit". */
export function clampToScale(range: [number, number], scale: YScale): [number, number] {
  if (scale !== "unit") return range;
  const [low, high] = range;
  return [low <= UNIT_SNAP ? 0 : low, high >= 1 - UNIT_SNAP ? 1 : high];
}
