// The LSTM recurrence as one differentiable op: the forward kernel, and as its gradient the backward kernel plus the
// one matrix product for the recurrent kernel's gradient, dU = Σ_t h_{t-1}ᵀ·dZ_t over all steps at once. The input
// projection (x·W + b) stays outside, in tfjs ops, which differentiate it as usual.
import type { GradSaveFunc, NamedAttrMap, NamedTensorMap, Tensor, Tensor2D, Tensor3D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import type { LstmKernelAttrs } from "./forwardKernel";
import { LSTM_BACKWARD, LSTM_FORWARD } from "./kernelNames";

/**
 * h for every step, [batch, time, units] (one more step holding the last cell state with withLastCell), from the
 * projected input xw [batch, time, 4·units], the recurrent kernel U [units, 4·units] and an optional 0/1 mask
 * [batch, time]. Zero initial states.
 */
export function lstmRecurrence(tf: Tfjs, xw: Tensor3D, recurrentKernel: Tensor2D, mask: Tensor2D | undefined, attrs: LstmKernelAttrs): Tensor3D {
  const kernelAttrs = attrs as unknown as NamedAttrMap;
  const recurrence = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [xwIn, u, save] = args as [Tensor3D, Tensor2D, GradSaveFunc];
    const inputs: NamedTensorMap = mask ? { xw: xwIn, recurrentKernel: u, mask } : { xw: xwIn, recurrentKernel: u };
    const [out, hPrev, cPrev, gates, tanhC] = tf.engine().runKernel(LSTM_FORWARD, inputs, kernelAttrs) as Tensor[];
    save(mask ? [u, hPrev, cPrev, gates, tanhC, mask] : [u, hPrev, cPrev, gates, tanhC]);
    return {
      value: out as Tensor3D,
      gradFunc: (dy: Tensor3D, saved: Tensor[]) => {
        const [savedU, savedHPrev, savedCPrev, savedGates, savedTanhC, savedMask] = saved;
        const [batch, steps, gateWidth] = savedGates.shape;
        const units = gateWidth / 4;
        const backwardInputs: NamedTensorMap = { dy, recurrentKernelT: tf.transpose(savedU), gates: savedGates, tanhC: savedTanhC, cPrev: savedCPrev, ...(savedMask ? { mask: savedMask } : {}) };
        const dZ = tf.engine().runKernel(LSTM_BACKWARD, backwardInputs, kernelAttrs) as Tensor3D;
        const dU = tf.matMul(tf.reshape(savedHPrev, [batch * steps, units]), tf.reshape(dZ, [batch * steps, gateWidth]), true, false);
        return [dZ, dU];
      },
    };
  });
  return recurrence(xw, recurrentKernel);
}
