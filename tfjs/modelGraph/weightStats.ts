// Summary statistics of one weight's values, for the graph panel's side pane: cheap (two passes),
// JSON-safe (NaN and infinities are counted apart, never stored), and small (a fixed number of bins).
import type { WeightStats } from "../../protocol/modelGraphSchema";

const HISTOGRAM_BINS = 30;

export function weightStats(values: ArrayLike<number>, bins = HISTOGRAM_BINS): WeightStats {
  let finite = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) continue;
    finite++;
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    if (value === 0) zeros++;
  }
  const count = values.length;
  if (finite === 0) return { count, nonFinite: count, min: 0, max: 0, mean: 0, std: 0, zeros: 0, histogram: [] };
  const mean = sum / finite;
  const histogram = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) continue;
    squares += (value - mean) ** 2;
    // The maximum falls in the last bin; a constant weight fills the first.
    histogram[width > 0 ? Math.min(bins - 1, Math.floor((value - min) / width)) : 0]++;
  }
  return { count, nonFinite: count - finite, min, max, mean, std: Math.sqrt(squares / finite), zeros: zeros / count, histogram };
}
