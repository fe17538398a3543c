// "Ignore outliers" for chart scaling: the y range that holds the middle of the data (a few percent cut
// at each end), padded a little, so one diverging batch does not flatten every other point.

const LOW_QUANTILE = 0.02;
const HIGH_QUANTILE = 0.98;
const PADDING = 0.1;

/** The y range of the values without outliers, or null when there is nothing to scale (no finite value). */
export function clippedRange(columns: readonly (readonly (number | null)[])[], logScale: boolean): [number, number] | null {
  const values: number[] = [];
  for (const column of columns) {
    for (const value of column) if (value !== null && Number.isFinite(value) && (!logScale || value > 0)) values.push(value);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  let low = quantile(values, LOW_QUANTILE);
  let high = quantile(values, HIGH_QUANTILE);
  if (logScale) {
    const [logLow, logHigh] = padded(Math.log10(low), Math.log10(high));
    return [10 ** logLow, 10 ** logHigh];
  }
  [low, high] = padded(low, high);
  return [low, high];
}

function padded(low: number, high: number): [number, number] {
  const span = high - low || Math.abs(high) || 1;
  return [low - span * PADDING, high + span * PADDING];
}

/** Linear interpolation between the closest ranks of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
