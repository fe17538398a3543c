// The fused dropout's wasm kernel and its gradient. tfjs' dropout draws its mask in JavaScript with a seeded
// generator (about 40 ns a number: a Dense layer of 128 units at batch 128 spends 0.7 ms a training step there),
// uploads it, and makes the multiplier and the output with four kernels; here one pass over the heap draws with a
// xorshift generator and writes both. The random stream differs from tfjs', so unseeded dropout only takes it.
import type { GradConfig, KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInputInfo } from "../../backends/wasmGradients/kernelArgs";

export const DROPOUT = "TfjsStudioDropout";

/** xorshift32's state, seeded once per process as tfjs' unseeded generators are. */
let state = (Math.random() * 2 ** 32) >>> 0 || 1;

/**
 * Input x (float32); attribute rate. Outputs y = x * multiplier and the multiplier: 1 / (1 - rate) where an element is
 * kept, with probability 1 - rate, else 0, as tfjs' dropout computes them (floor(u + keep) / keep).
 */
export const dropoutConfig: KernelConfig = {
  kernelName: DROPOUT,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const x = kernelInputInfo(DROPOUT, inputs, "x");
    const keep = 1 - (kernelAttrs(DROPOUT, attrs).rate as number);
    const scale = Math.fround(1 / keep);
    const y = wasm.makeOutput(x.shape, "float32");
    const multiplier = wasm.makeOutput(x.shape, "float32");
    // Views taken after the allocations, which may grow the heap.
    const [xView, yView, multiplierView] = [x, y, multiplier].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    let s = state;
    for (let i = 0; i < xView.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      // A uniform number in [0, 1) from the generator's 32 bits; kept when u + keep >= 1.
      const kept = (s >>> 0) / 2 ** 32 >= 1 - keep;
      multiplierView[i] = kept ? scale : 0;
      yView[i] = kept ? xView[i] * scale : 0;
    }
    state = s;
    return [y, multiplier];
  },
};

/** The gradient: dy times the multiplier (the second output, saved). */
export function dropoutGradConfig(tf: Tfjs): GradConfig {
  return {
    kernelName: DROPOUT,
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [multiplier] = saved;
      const dy = Array.isArray(dys) ? dys[0] : dys;
      return { x: () => tf.mul(dy, multiplier) };
    },
  };
}
