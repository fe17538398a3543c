// The fused LSTM as tfjs' LSTM layer computes it, for the configurations it covers: which those are (anything else
// takes tfjs' own per-step path), and the call itself: one input projection for all steps, the fused recurrence, and
// the outputs tfjs' RNN.call returns (the sequence or the last step, and with returnState the last h and c).
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { isRecurrentActivation, type RecurrentActivation } from "./gateActivations";
import { LSTM_BACKWARD, LSTM_FORWARD } from "./kernelNames";
import { lstmSequence } from "./recurrence";

/** What the fused path reads of a tfjs LSTM layer (tfjs-layers' RNN and LSTMCell fields). */
export interface LstmLayer {
  readonly cell: {
    readonly units: number;
    readonly activation: { getClassName(): string };
    readonly recurrentActivation: { getClassName(): string };
    readonly useBias: boolean;
    readonly dropout: number;
    readonly recurrentDropout: number;
    readonly kernel: { read(): Tensor };
    readonly recurrentKernel: { read(): Tensor };
    readonly bias: { read(): Tensor } | null;
  };
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
}

export type LstmKwargs = { mask?: unknown; initialState?: unknown } | undefined | null;

interface FusedPlan {
  x: Tensor3D;
  mask: Tensor2D | undefined;
  recurrentActivation: RecurrentActivation;
}

/** The fused call's inputs, or undefined where tfjs' own LSTM must run. */
export function fusedLstmPlan(tf: Tfjs, layer: LstmLayer, inputs: Tensor | Tensor[], kwargs: LstmKwargs): FusedPlan | undefined {
  if (tf.getBackend() !== "wasm" || !tf.getKernel(LSTM_FORWARD, "wasm") || !tf.getKernel(LSTM_BACKWARD, "wasm")) return undefined;
  // Stateful layers and given initial states start from states the kernel does not take.
  if (layer.stateful || kwargs?.initialState != null) return undefined;
  const { cell } = layer;
  if (cell.dropout !== 0 || cell.recurrentDropout !== 0 || cell.activation.getClassName() !== "tanh") return undefined;
  const recurrentActivation = cell.recurrentActivation.getClassName();
  if (!isRecurrentActivation(recurrentActivation)) return undefined;
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  if (x === undefined || x.rank !== 3 || x.dtype !== "float32" || x.shape[0] === 0 || x.shape[1] === 0) return undefined;
  const mask = kwargs?.mask;
  if (mask == null) return { x: x as Tensor3D, mask: undefined, recurrentActivation };
  if (!(mask instanceof tf.Tensor)) return undefined;
  const maskTensor = mask as Tensor;
  if (maskTensor.rank !== 2 || maskTensor.shape[0] !== x.shape[0] || maskTensor.shape[1] !== x.shape[1]) return undefined;
  return { x: x as Tensor3D, mask: maskTensor as Tensor2D, recurrentActivation };
}

export function fusedLstmCall(tf: Tfjs, layer: LstmLayer, plan: FusedPlan): Tensor | Tensor[] {
  return tf.tidy(() => {
    const { cell, returnSequences, returnState } = layer;
    const [batch, steps] = plan.x.shape;
    const units = cell.units;
    // The kernels work time-major, so that each step's rows are contiguous.
    let x = tf.transpose(plan.x, [1, 0, 2]);
    // As tfjs' rnn(): any nonzero mask value counts as 1; goBackwards walks the steps in reverse, outputs in that order.
    let mask = plan.mask && tf.transpose(tf.cast(tf.cast(plan.mask, "bool"), "float32"));
    if (layer.goBackwards) {
      x = tf.reverse(x, 0);
      mask = mask && tf.reverse(mask, 0);
    }
    const bias = cell.useBias && cell.bias ? (cell.bias.read() as Tensor1D) : undefined;
    const sequence = lstmSequence(tf, x, cell.kernel.read() as Tensor2D, cell.recurrentKernel.read() as Tensor2D, bias, mask, {
      recurrentActivation: plan.recurrentActivation,
      withLastCell: returnState,
    });
    const step = (t: number) => tf.reshape(tf.slice(sequence, [t, 0, 0], [1, batch, units]), [batch, units]);
    const hSequence = () => tf.transpose(returnState ? tf.slice(sequence, [0, 0, 0], [steps, batch, units]) : sequence, [1, 0, 2]);
    const output = returnSequences ? hSequence() : step(steps - 1);
    // With returnState the sequence has one more step: the last cell state.
    return returnState ? [output, step(steps - 1), step(steps)] : output;
  });
}
