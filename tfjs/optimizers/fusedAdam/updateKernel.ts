// The fused Adam update as one wasm kernel: each variable's first and second moments and value are updated in place,
// in one pass over the heap, where tfjs' Adam runs fourteen kernels per variable, each allocating a new tensor.
// Writing in place is safe for data no other tensor shares, which the kernel checks (fusedApply.ts sees to it).
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { renumberTensor } from "../../backends/wasmHeap";
import { kernelAttrs, kernelInputInfo } from "../../backends/wasmGradients/kernelArgs";

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

function exclusiveView(backend: BackendWasm, inputs: NamedTensorInfoMap, name: string): Float32Array {
  const info = kernelInputInfo(ADAM_UPDATE, inputs, name);
  if (backend.refCount(info.dataId) !== 1) throw new Error(`${ADAM_UPDATE}: '${name}' shares its data with another tensor`);
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
    const accBeta1 = exclusiveView(wasm, inputs, "accBeta1");
    const accBeta2 = exclusiveView(wasm, inputs, "accBeta2");
    // tfjs' Adam in float32, rounding where its kernels round (f), so that both take the same steps to the bit: the
    // constants as its scalar tensors hold them, bias corrections with this step's powers, which then advance.
    const f = Math.fround;
    const [b1, b2, c1, c2, eps, step] = [f(beta1), f(beta2), f(1 - beta1), f(1 - beta2), f(epsilon), f(-learningRate)];
    const correction1 = f(1 - accBeta1[0]);
    const correction2 = f(1 - accBeta2[0]);
    const written: TensorInfo[] = [];
    for (let i = 0; i < count; i++) {
      const x = exclusiveView(wasm, inputs, adamInput("x", i));
      const m = exclusiveView(wasm, inputs, adamInput("m", i));
      const v = exclusiveView(wasm, inputs, adamInput("v", i));
      const g = wasm.typedArrayFromHeap(kernelInputInfo(ADAM_UPDATE, inputs, adamInput("g", i)));
      for (let j = 0; j < x.length; j++) {
        const gj = g[j];
        const mj = f(f(m[j] * b1) + f(gj * c1));
        const vj = f(f(v[j] * b2) + f(f(gj * gj) * c2));
        m[j] = mj;
        v[j] = vj;
        const mHat = f(mj / correction1);
        const vHat = f(vj / correction2);
        x[j] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * step) + x[j]);
      }
      written.push(...(["x", "m", "v"] as const).map((role) => kernelInputInfo(ADAM_UPDATE, inputs, adamInput(role, i))));
    }
    accBeta1[0] *= b1;
    accBeta2[0] *= b2;
    for (const info of written) renumberTensor(wasm, info);
    return [];
  },
};
