// An LSTM layer's computation as one differentiable op: the input projection x·W for all steps (one product) and the
// forward kernel; as its gradient the backward kernel, then dx = dZ·Wᵀ and both weight gradients as one product,
// [dW; dU]ᵀ = dZᵀ·[x | h_{t-1}] over all steps at once. The bias is added by the projection's product and its gradient
// summed by the backward kernel, which saves a pass over the projection each way.
import type { GradSaveFunc, NamedAttrMap, NamedTensorMap, Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import type { LstmKernelAttrs } from "./forwardKernel";
import { LSTM_BACKWARD, LSTM_FORWARD } from "./kernelNames";

/**
 * h for every step, [time, batch, units] (one more step holding the last cell state with withLastCell), from the
 * time-major input x [time, batch, features], the kernel W [features, 4·units], the recurrent kernel U
 * [units, 4·units], the bias [4·units] if any and a 0/1 mask [time, batch] if any. Zero initial states.
 */
export function lstmSequence(tf: Tfjs, x: Tensor3D, kernel: Tensor2D, recurrentKernel: Tensor2D, bias: Tensor1D | undefined, mask: Tensor2D | undefined, attrs: LstmKernelAttrs): Tensor3D {
  const kernelAttrs = attrs as unknown as NamedAttrMap;
  const [steps, batch, features] = x.shape;
  const units = recurrentKernel.shape[0];
  const sequence = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args.pop() as GradSaveFunc;
    const [xIn, w, u, b] = args as [Tensor3D, Tensor2D, Tensor2D, Tensor1D | undefined];
    // The input projection of every step at once, with the bias: one large product, which adds the bias as it goes.
    const xw = tf.reshape(tf.fused.matMul({ a: tf.reshape(xIn, [steps * batch, features]), b: w, bias: b }), [steps, batch, 4 * units]);
    const inputs: NamedTensorMap = { x: xIn, xw, recurrentKernel: u, ...(mask ? { mask } : {}) };
    const [out, xh, cPrev, gates, tanhC] = tf.engine().runKernel<Tensor[]>(LSTM_FORWARD, inputs, kernelAttrs);
    save(mask ? [w, u, xh, cPrev, gates, tanhC, mask] : [w, u, xh, cPrev, gates, tanhC]);
    return {
      value: out as Tensor3D,
      gradFunc: (dy: Tensor3D, saved: Tensor[]) => {
        const [savedW, savedU, savedXh, savedCPrev, savedGates, savedTanhC, savedMask] = saved;
        const backwardInputs: NamedTensorMap = {
          dy,
          recurrentKernelT: tf.transpose(savedU),
          gates: savedGates,
          tanhC: savedTanhC,
          cPrev: savedCPrev,
          ...(savedMask ? { mask: savedMask } : {}),
        };
        const [dZ, dZT, dBias] = tf.engine().runKernel<Tensor[]>(LSTM_BACKWARD, backwardInputs, kernelAttrs);
        const dx = tf.reshape(tf.matMul(tf.reshape(dZ, [steps * batch, 4 * units]), savedW, false, true), [steps, batch, features]);
        // [dW; dU]ᵀ = dZᵀ·[x | h_{t-1}] over every row of every step: both weight gradients in one product.
        const dWeightsT = tf.matMul(dZT, savedXh);
        const dW = tf.transpose(tf.slice(dWeightsT, [0, 0], [4 * units, features]));
        const dU = tf.transpose(tf.slice(dWeightsT, [0, features], [4 * units, units]));
        return b ? [dx, dW, dU, dBias] : [dx, dW, dU];
      },
    };
  });
  return bias ? sequence(x, kernel, recurrentKernel, bias) : sequence(x, kernel, recurrentKernel);
}
