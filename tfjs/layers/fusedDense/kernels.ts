// The fused Dense layer's wasm kernels. Forward: the product, bias and ReLU in one XNNPACK call (the wasm
// _FusedMatMul), which tfjs' layer gives up while recording gradients (three kernels then). Backward: the ReLU's
// derivative and the bias gradient in one pass over the heap, where tfjs runs Step, Cast, Multiply and a Sum.
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInputInfo } from "../../backends/wasmGradients/kernelArgs";

export const DENSE_FORWARD = "TfjsStudioDenseForward";
export const DENSE_BACKWARD = "TfjsStudioDenseBackward";
export const FUSED_DENSE_KERNELS = [DENSE_FORWARD, DENSE_BACKWARD];

/** The activations the kernels apply themselves; the layer applies any other after a linear kernel. */
export type DenseActivation = "relu" | "linear";

/** Inputs x [rows, in], kernel [in, units] and optional bias [units]; attribute activation. Output [rows, units]. */
export function denseForwardConfig(tf: Tfjs): KernelConfig {
  return {
    kernelName: DENSE_FORWARD,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const fusedMatMul = tf.getKernel("_FusedMatMul", "wasm");
      if (fusedMatMul === undefined) throw new Error(`${DENSE_FORWARD}: wasm has no _FusedMatMul`);
      const x = kernelInputInfo(DENSE_FORWARD, inputs, "x");
      const kernel = kernelInputInfo(DENSE_FORWARD, inputs, "kernel");
      const [rows, inSize] = x.shape;
      const units = kernel.shape[1];
      // The wasm kernel takes batches of matrices: the same data, seen as one.
      const out = fusedMatMul.kernelFunc({
        inputs: { a: { ...x, shape: [1, rows, inSize] }, b: { ...kernel, shape: [1, inSize, units] }, ...(inputs.bias ? { bias: inputs.bias } : {}) },
        attrs: { transposeA: false, transposeB: false, activation: kernelAttrs(DENSE_FORWARD, attrs).activation },
        backend,
      }) as TensorInfo;
      return { ...out, shape: [rows, units] };
    },
  };
}

/**
 * Inputs dy and y (the forward output), both [rows, units]; attribute activation. Outputs dz, the gradient before the
 * activation (dy itself for linear), and the bias gradient [units], its column sums.
 */
export const denseBackwardConfig: KernelConfig = {
  kernelName: DENSE_BACKWARD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const dy = kernelInputInfo(DENSE_BACKWARD, inputs, "dy");
    const y = kernelInputInfo(DENSE_BACKWARD, inputs, "y");
    const relu = (kernelAttrs(DENSE_BACKWARD, attrs).activation as DenseActivation) === "relu";
    const units = dy.shape[1];
    let dz: TensorInfo = { dataId: dy.dataId, shape: dy.shape, dtype: dy.dtype };
    if (relu) dz = wasm.makeOutput(dy.shape, "float32");
    else wasm.incRef(dy.dataId);
    const biasGrad = wasm.makeOutput([units], "float32");
    // Views taken after the allocations, which may grow the heap.
    const [dyView, yView, dzView, sums] = [dy, y, dz, biasGrad].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    sums.fill(0);
    // Row by row, as the Sum kernel adds, rounding to float32 at each step as it does.
    for (let i = 0; i < dyView.length; i += units) {
      for (let u = 0; u < units; u++) {
        const d = relu && !(yView[i + u] > 0) ? 0 : dyView[i + u];
        if (relu) dzView[i + u] = d;
        sums[u] += d;
      }
    }
    return [dz, biasGrad];
  },
};
