// A stand-in for one of the wasm backend's own kernels: the stock config (setup and dispose included) with our
// kernel function in its place, which can still hand work back to the stock one.
import type { KernelConfig, KernelFunc } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";

/** Marks our kernel functions, so that registering twice does not wrap a stand-in in another. */
const STAND_IN = Symbol.for("tfjs-studio.wasmStandIn");

/** The stand-in config, or undefined when wasm has no such kernel (not loaded yet) or it is already ours. */
export function standIn(tf: Tfjs, kernelName: string, make: (stock: KernelConfig) => KernelFunc): KernelConfig | undefined {
  const stock = tf.getKernel(kernelName, "wasm");
  if (stock === undefined || isStandIn(stock)) return undefined;
  const kernelFunc = make(stock);
  Object.defineProperty(kernelFunc, STAND_IN, { value: true });
  return { ...stock, kernelFunc };
}

export function isStandIn(config: KernelConfig): boolean {
  return (config.kernelFunc as { [STAND_IN]?: true })[STAND_IN] === true;
}
