// Deterministic test data for comparisons between backends or code paths: both sides get the same values.

/** Deterministic values in [-scale, scale), from a linear congruential generator seeded with `seed`. */
export function values(size: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (state / 2 ** 31 - 1);
  }
  return out;
}
