// The fused categorical cross-entropy's wasm kernels and gradient. tfjs-layers computes the loss of a softmax output
// with nine kernels (normalise, clip, log, multiply, sum, negate...) and its gradient with about twenty-five more, all on
// [batch, classes] tensors a few kilobytes large, where each kernel call costs more than its arithmetic; here one pass
// over the heap does each. The arithmetic is tfjs-layers' own, in float32.
import type { GradConfig, KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInputInfo } from "../../backends/wasmGradients/kernelArgs";

export const CROSS_ENTROPY = "TfjsStudioCategoricalCrossentropy";
export const CROSS_ENTROPY_GRAD = "TfjsStudioCategoricalCrossentropyGrad";

const f32 = Math.fround;

/** What both kernels take: the labels and the outputs, [batch, classes], and the clip's bounds (the backend's epsilon). */
function crossEntropyArgs(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined) {
  const yTrue = kernelInputInfo(kernelName, inputs, "yTrue");
  const yPred = kernelInputInfo(kernelName, inputs, "yPred");
  const low = f32(kernelAttrs(kernelName, attrs).epsilon as number);
  const [batch, classes] = yPred.shape;
  return { yTrue, yPred, low, high: f32(1 - low), batch, classes };
}

/** A row's sum, added in order in float32: tfjs-layers divides the row by it before the clip. */
function rowSum(output: Float32Array, start: number, classes: number): number {
  let sum = 0;
  for (let j = 0; j < classes; j++) sum = f32(sum + output[start + j]);
  return sum;
}

/**
 * Inputs yTrue and yPred, float32 [batch, classes]; attribute epsilon (the backend's). Output [batch]: for each row,
 * -Σ yTrue · log(clip(yPred / Σ yPred, epsilon, 1 - epsilon)), as tfjs-layers' categoricalCrossentropy.
 */
export const crossEntropyConfig: KernelConfig = {
  kernelName: CROSS_ENTROPY,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const { yTrue, yPred, low, high, batch, classes } = crossEntropyArgs(CROSS_ENTROPY, inputs, attrs);
    const loss = wasm.makeOutput([batch], "float32");
    // Views taken after the allocation, which may grow the heap.
    const [target, output, losses] = [yTrue, yPred, loss].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    for (let i = 0, start = 0; i < batch; i++, start += classes) {
      const sum = rowSum(output, start, classes);
      let total = 0;
      for (let j = 0; j < classes; j++) {
        const clipped = Math.min(Math.max(f32(output[start + j] / sum), low), high);
        total = f32(total + f32(target[start + j] * f32(Math.log(clipped))));
      }
      losses[i] = -total;
    }
    return loss;
  },
};

/**
 * Inputs dy [batch], yTrue and yPred; attribute epsilon. Output the loss's gradient with respect to yPred: through the
 * log, the clip (nothing where the normalised output was clipped) and the normalisation by the row's sum.
 */
export const crossEntropyGradConfig: KernelConfig = {
  kernelName: CROSS_ENTROPY_GRAD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const dy = kernelInputInfo(CROSS_ENTROPY_GRAD, inputs, "dy");
    const { yTrue, yPred, low, high, batch, classes } = crossEntropyArgs(CROSS_ENTROPY_GRAD, inputs, attrs);
    const dx = wasm.makeOutput(yPred.shape, "float32");
    const [upstream, target, output, gradient] = [dy, yTrue, yPred, dx].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    for (let i = 0, start = 0; i < batch; i++, start += classes) {
      const sum = rowSum(output, start, classes);
      // g_j: the gradient with respect to the normalised output, then the quotient rule through the row's sum.
      let weighted = 0;
      for (let j = 0; j < classes; j++) {
        const normalised = f32(output[start + j] / sum);
        const g = normalised >= low && normalised <= high ? f32(f32(-upstream[i] * target[start + j]) / normalised) : 0;
        gradient[start + j] = g;
        weighted = f32(weighted + f32(g * normalised));
      }
      for (let j = 0; j < classes; j++) gradient[start + j] = f32(f32(gradient[start + j] - weighted) / sum);
    }
    return dx;
  },
};

/** yPred's gradient from the kernel above; yTrue is data, not trained, and gets none. */
export function crossEntropyGradientConfig(tf: Tfjs): GradConfig {
  return {
    kernelName: CROSS_ENTROPY,
    inputsToSave: ["yTrue", "yPred"],
    gradFunc: (dy, saved, attrs) => {
      const [yTrue, yPred] = saved;
      return {
        yTrue: () => tf.zerosLike(yTrue),
        yPred: () => tf.engine().runKernel<Tensor>(CROSS_ENTROPY_GRAD, { dy: dy as Tensor, yTrue, yPred }, attrs),
      };
    },
  };
}
