// The fused Adam update as one wasm kernel: each variable's first and second moments and value are updated in place,
// in one SIMD pass over the heap (simdUpdate.ts), where tfjs' Adam runs fourteen kernels per variable, each allocating
// a new tensor.
// Writing in place is safe for data no other tensor shares, which the kernel checks (fusedApply.ts sees to it).
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, renumberTensor } from "../../backends/wasmHeap";
import { kernelAttrs, kernelInputInfo } from "../../backends/wasmGradients/kernelArgs";
import { simdAdamUpdate } from "./simdUpdate";

export const ADAM_UPDATE = "TfjsStudioAdamUpdate";

/** The kernel's inputs for variable i: its value, moments and gradient. */
export const adamInput = (role: "x" | "m" | "v" | "g", i: number): string => `${role}${i}`;

export interface AdamUpdateAttrs {
  /** How many variables the inputs hold. */
  count: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

function exclusiveView(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (backend.refCount(info.dataId) !== 1) throw new Error(`${ADAM_UPDATE}: an input to update shares its data with another tensor`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * Inputs x0, m0, v0, g0, x1... (adamInput) and the scalars accBeta1 and accBeta2 (beta1 and beta2 to the power of the
 * step). Writes all but the gradients and returns nothing.
 */
export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const { count, learningRate, beta1, beta2, epsilon } = kernelAttrs(ADAM_UPDATE, attrs) as unknown as AdamUpdateAttrs;
    // No allocation below, so these views of the heap stay valid.
    const accBeta1 = exclusiveView(wasm, kernelInputInfo(ADAM_UPDATE, inputs, "accBeta1"));
    const accBeta2 = exclusiveView(wasm, kernelInputInfo(ADAM_UPDATE, inputs, "accBeta2"));
    // tfjs' Adam in float32, rounding where its kernels round (f), so that both take the same steps to the bit: the
    // constants as its scalar tensors hold them, bias corrections with this step's powers, which then advance.
    const f = Math.fround;
    const [b1, b2, c1, c2, eps, step] = [f(beta1), f(beta2), f(1 - beta1), f(1 - beta2), f(epsilon), f(-learningRate)];
    const correction1 = f(1 - accBeta1[0]);
    const correction2 = f(1 - accBeta2[0]);
    const simd = simdAdamUpdate(wasm);
    const written: TensorInfo[] = [];
    for (let i = 0; i < count; i++) {
      const [x, m, v, g] = (["x", "m", "v", "g"] as const).map((role) => kernelInputInfo(ADAM_UPDATE, inputs, adamInput(role, i)));
      const [xView, mView, vView] = [x, m, v].map((info) => exclusiveView(wasm, info));
      const gView = wasm.typedArrayFromHeap(g);
      // Four elements at a time in SIMD, the last few here, in the same float32 operations.
      const vectorized = xView.length - (xView.length % 4);
      const [xAt, mAt, vAt, gAt] = [x, m, v, g].map((info) => heapOffset(wasm, info));
      simd(xAt, mAt, vAt, gAt, vectorized * 4, b1, b2, c1, c2, correction1, correction2, eps, step);
      for (let j = vectorized; j < xView.length; j++) {
        const gj = gView[j];
        const mj = f(f(mView[j] * b1) + f(gj * c1));
        const vj = f(f(vView[j] * b2) + f(f(gj * gj) * c2));
        mView[j] = mj;
        vView[j] = vj;
        xView[j] = f(f(f(f(mj / correction1) / f(f(Math.sqrt(f(vj / correction2))) + eps)) * step) + xView[j]);
      }
      written.push(x, m, v);
    }
    accBeta1[0] *= b1;
    accBeta2[0] *= b2;
    for (const info of written) renumberTensor(wasm, info);
    return [];
  },
};
