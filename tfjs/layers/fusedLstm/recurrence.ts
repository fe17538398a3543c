// The LSTM recurrence as one differentiable op: the forward kernel, and as its gradient the backward kernel plus the
// one matrix product for the recurrent kernel's gradient, dU = Σ_t h_{t-1}ᵀ·dZ_t over all steps at once. The input
// projection x·W stays outside, in tfjs ops, which differentiate it as usual; the bias is added (and its gradient
// summed) inside the kernels, which saves a pass over the projection each way.
import type { GradSaveFunc, NamedAttrMap, NamedTensorMap, Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import type { LstmKernelAttrs } from "./forwardKernel";
import { LSTM_BACKWARD, LSTM_FORWARD } from "./kernelNames";

/**
 * h for every step, [time, batch, units] (one more step holding the last cell state with withLastCell), from the
 * projected input xw [time, batch, 4·units], the recurrent kernel U [units, 4·units], the bias [4·units] if any and
 * a 0/1 mask [time, batch] if any. Zero initial states.
 */
export function lstmRecurrence(tf: Tfjs, xw: Tensor3D, recurrentKernel: Tensor2D, bias: Tensor1D | undefined, mask: Tensor2D | undefined, attrs: LstmKernelAttrs): Tensor3D {
  const kernelAttrs = attrs as unknown as NamedAttrMap;
  const recurrence = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args.pop() as GradSaveFunc;
    const [xwIn, u, b] = args as [Tensor3D, Tensor2D, Tensor1D | undefined];
    const inputs: NamedTensorMap = { xw: xwIn, recurrentKernel: u, ...(b ? { bias: b } : {}), ...(mask ? { mask } : {}) };
    const [out, hPrev, cPrev, gates, tanhC] = tf.engine().runKernel(LSTM_FORWARD, inputs, kernelAttrs) as Tensor[];
    save(mask ? [u, hPrev, cPrev, gates, tanhC, mask] : [u, hPrev, cPrev, gates, tanhC]);
    return {
      value: out as Tensor3D,
      gradFunc: (dy: Tensor3D, saved: Tensor[]) => {
        const [savedU, savedHPrev, savedCPrev, savedGates, savedTanhC, savedMask] = saved;
        const [steps, batch, gateWidth] = savedGates.shape;
        const units = gateWidth / 4;
        const backwardInputs: NamedTensorMap = {
          dy,
          recurrentKernelT: tf.transpose(savedU),
          gates: savedGates,
          tanhC: savedTanhC,
          cPrev: savedCPrev,
          ...(savedMask ? { mask: savedMask } : {}),
        };
        const [dZ, dBias] = tf.engine().runKernel(LSTM_BACKWARD, backwardInputs, kernelAttrs) as Tensor[];
        const dU = tf.matMul(tf.reshape(savedHPrev, [steps * batch, units]), tf.reshape(dZ, [steps * batch, gateWidth]), true, false);
        return b ? [dZ, dU, dBias] : [dZ, dU];
      },
    };
  });
  return bias ? recurrence(xw, recurrentKernel, bias) : recurrence(xw, recurrentKernel);
}
