// A fused LSTM for the wasm backend. tfjs' LSTM runs each step as a dozen small kernels (about 14,600 calls for a
// training batch of a 100-step text model); here the whole sequence's forward and backward passes are two kernels and
// a few matrix products. It is installed into tfjs' own LSTM class, whose call takes the fused path where it covers
// the configuration (see fusedCall.ts) and tfjs' path otherwise: tf.layers.lstm, loaded models and Bidirectional
// wrappers all get it, and models still save as a plain 'LSTM' with the same weights.
import type { Tfjs } from "../../tfjsModule";
import { registerMissingKernels, routeLayerCall } from "../fusedInstall";
import { lstmBackwardConfig } from "./backwardKernel";
import { fusedLstmCall, fusedLstmPlan, type LstmKwargs, type LstmLayer } from "./fusedCall";
import { lstmForwardConfig } from "./forwardKernel";

export { FUSED_LSTM_KERNELS } from "./kernelNames";

/**
 * Registers the fused LSTM's wasm kernels and routes tfjs' LSTM layer through them. Idempotent; returns the names of
 * the kernels it registered.
 */
export function installFusedLstm(tf: Tfjs): string[] {
  const registered = registerMissingKernels(tf, [lstmForwardConfig, lstmBackwardConfig]);
  routeLayerCall<LstmLayer, LstmKwargs>(tf, "LSTM", (layer, inputs, kwargs) => {
    const plan = fusedLstmPlan(tf, layer, inputs, kwargs);
    return plan && fusedLstmCall(tf, layer, plan);
  });
  return registered;
}
