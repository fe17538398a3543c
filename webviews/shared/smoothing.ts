// TensorBoard's smoothing: an exponential moving average, debiased so that the first points are not
// pulled towards zero. Gaps (null, NaN, ±Infinity) stay gaps and do not disturb the average.

/** weight 0 returns the values unchanged; weight close to 1 smooths hard. */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values.slice();
  const w = Math.min(weight, 0.999);
  let average = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value;
    average = average * w + (1 - w) * value;
    count++;
    return average / (1 - w ** count);
  });
}
