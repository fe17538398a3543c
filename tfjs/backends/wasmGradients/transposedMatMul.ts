// Routes wasm's transposed matrix products to XNNPACK. The wasm BatchMatMul runs XNNPACK's fast GEMM only when neither
// operand is transposed; with transposeA or transposeB it falls back to a plain C++ triple loop, 4-5× slower. Those are
// exactly the products of backprop (every Dense layer's gradient is x^T·dy and dy·W^T), so a training step spent most
// of its time there. Transposing the operand first with wasm's Transpose kernel and then multiplying costs far less.
import type { KernelConfig, Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInput } from "./kernelArgs";
import { standIn } from "./standIn";

const NAME = "BatchMatMul";

/** Whether the operand is one matrix (every leading dimension 1): only then does the wasm kernel use XNNPACK. */
function isSingleMatrix(t: Tensor): boolean {
  return t.shape.slice(0, -2).every((size) => size === 1);
}

function swapLastTwo(tf: Tfjs, t: Tensor): Tensor {
  const axes = t.shape.map((_, axis) => axis);
  axes.splice(-2, 2, t.rank - 1, t.rank - 2);
  return tf.transpose(t, axes);
}

export function transposedMatMulConfig(tf: Tfjs): KernelConfig | undefined {
  return standIn(tf, NAME, (original) => (args) => {
    const attrs = kernelAttrs(NAME, args.attrs);
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    return tf.tidy(() => {
      let a = kernelInput<Tensor>(tf, NAME, args.inputs, "a");
      let b = kernelInput<Tensor>(tf, NAME, args.inputs, "b");
      // A batch of matrices takes the slow loop whatever the flags: leave it as it is.
      if (!isSingleMatrix(a) || !isSingleMatrix(b)) return original.kernelFunc(args) as Tensor;
      if (attrs.transposeA) a = swapLastTwo(tf, a);
      if (attrs.transposeB) b = swapLastTwo(tf, b);
      // The result is a bare TensorInfo that tidy does not track: only the transposed copies are disposed.
      return original.kernelFunc({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false } }) as Tensor;
    });
  });
}
