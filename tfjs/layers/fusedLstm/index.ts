// A fused LSTM for the wasm backend. tfjs' LSTM runs each step as a dozen small kernels (about 14,600 calls for a
// training batch of a 100-step text model); here the whole sequence's forward and backward passes are two kernels and
// a few matrix products. It is installed into tfjs' own LSTM class, whose call takes the fused path where it covers
// the configuration (see fusedCall.ts) and tfjs' path otherwise: tf.layers.lstm, loaded models and Bidirectional
// wrappers all get it, and models still save as a plain 'LSTM' with the same weights.
import type { Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { lstmBackwardConfig } from "./backwardKernel";
import { fusedLstmCall, fusedLstmPlan, type LstmKwargs, type LstmLayer } from "./fusedCall";
import { lstmForwardConfig } from "./forwardKernel";

export { FUSED_LSTM_KERNELS } from "./kernelNames";

/** Marks the installed call, so that installing twice does not wrap it again. */
const FUSED = Symbol.for("tfjs-studio.fusedLstmCall");

type LayerCall = (this: LstmLayer, inputs: Tensor | Tensor[], kwargs: LstmKwargs) => Tensor | Tensor[];

/**
 * Registers the fused LSTM's wasm kernels and routes tfjs' LSTM layer through them. Idempotent; returns the names of
 * the kernels it registered.
 */
export function installFusedLstm(tf: Tfjs): string[] {
  const registered: string[] = [];
  for (const config of [lstmForwardConfig, lstmBackwardConfig]) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  const lstmClass = tf.serialization.SerializationMap.getMap().classNameMap.LSTM?.[0] as { prototype: { call: LayerCall } } | undefined;
  if (lstmClass === undefined) throw new Error("tfjs has no LSTM layer class registered");
  const prototype = lstmClass.prototype;
  const stockCall = prototype.call;
  if ((stockCall as { [FUSED]?: true })[FUSED] === true) return registered;
  const call: LayerCall = function (inputs, kwargs) {
    const plan = fusedLstmPlan(tf, this, inputs, kwargs);
    return plan ? fusedLstmCall(tf, this, plan) : stockCall.call(this, inputs, kwargs);
  };
  Object.defineProperty(call, FUSED, { value: true });
  prototype.call = call;
  return registered;
}
