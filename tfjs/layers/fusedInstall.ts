// What installing a fused path into tfjs involves, for each of them: registering its wasm kernels, unless already
// there, and routing a layer class's call through it, found by the class's registered name (as loaded models find
// it), replaced once (installing twice does not wrap it again), with tfjs' own call for what the path does not cover.
import type { KernelConfig, Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../tfjsModule";

/** Registers the kernels not registered yet; returns their names. */
export function registerMissingKernels(tf: Tfjs, configs: KernelConfig[]): string[] {
  const registered: string[] = [];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}

/** Marks an installed call. */
const FUSED = Symbol.for("tfjs-studio.fusedLayerCall");

type LayerCall<Layer, Kwargs> = (this: Layer, inputs: Tensor | Tensor[], kwargs: Kwargs) => Tensor | Tensor[];

/**
 * Routes the call of tfjs' layer class `className` through `fusedCall`, which returns undefined where the fused path
 * does not apply: tfjs' own call runs then.
 */
export function routeLayerCall<Layer, Kwargs>(
  tf: Tfjs,
  className: string,
  fusedCall: (layer: Layer, inputs: Tensor | Tensor[], kwargs: Kwargs) => Tensor | Tensor[] | undefined,
): void {
  const layerClass = tf.serialization.SerializationMap.getMap().classNameMap[className]?.[0] as { prototype: { call: LayerCall<Layer, Kwargs> } } | undefined;
  if (layerClass === undefined) throw new Error(`tfjs has no ${className} layer class registered`);
  const prototype = layerClass.prototype;
  const stockCall = prototype.call;
  if ((stockCall as { [FUSED]?: true })[FUSED] === true) return;
  const call: LayerCall<Layer, Kwargs> = function (inputs, kwargs) {
    return fusedCall(this, inputs, kwargs) ?? stockCall.call(this, inputs, kwargs);
  };
  Object.defineProperty(call, FUSED, { value: true });
  prototype.call = call;
}
