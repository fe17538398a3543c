// A fused Dense layer for the wasm backend. While training, tfjs' Dense runs its product, bias and activation as
// separate kernels (tf.fused.matMul fuses only a linear activation when gradients are recorded), and their gradients
// as five more; here the forward is one XNNPACK kernel and the backward one kernel plus the two products. It is
// installed into tfjs' Dense class, whose call takes the fused path for 2-D float32 inputs on wasm and tfjs' path
// otherwise; models still save as a plain 'Dense'.
import type { Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { DENSE_FORWARD, FUSED_DENSE_KERNELS, denseBackwardConfig, denseForwardConfig } from "./kernels";
import { denseGradConfig } from "./gradient";

export { FUSED_DENSE_KERNELS } from "./kernels";

/** Marks the installed call, so that installing twice does not wrap it again. */
const FUSED = Symbol.for("tfjs-studio.fusedDenseCall");

/** What the fused path reads of a tfjs Dense layer (tfjs-layers' Dense fields, private in its types). */
interface DenseLayer {
  readonly activation: { getClassName(): string; apply(x: Tensor): Tensor };
  readonly kernel: { read(): Tensor };
  readonly bias: { read(): Tensor } | null;
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: unknown): void;
}

type LayerCall = (this: DenseLayer, inputs: Tensor | Tensor[], kwargs: unknown) => Tensor | Tensor[];

/** The layer's one input where the fused path covers it, else undefined. */
function fusedInput(tf: Tfjs, inputs: Tensor | Tensor[]): Tensor | undefined {
  if (tf.getBackend() !== "wasm" || FUSED_DENSE_KERNELS.some((name) => tf.getKernel(name, "wasm") === undefined)) return undefined;
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  return x !== undefined && x.rank === 2 && x.dtype === "float32" ? x : undefined;
}

function fusedDenseCall(tf: Tfjs, layer: DenseLayer, x: Tensor, inputs: Tensor | Tensor[], kwargs: unknown): Tensor {
  return tf.tidy(() => {
    layer.invokeCallHook(inputs, kwargs);
    const relu = layer.activation.getClassName() === "relu";
    const weights = { x, kernel: layer.kernel.read(), ...(layer.bias ? { bias: layer.bias.read() } : {}) };
    const y = tf.engine().runKernel<Tensor>(DENSE_FORWARD, weights, { activation: relu ? "relu" : "linear" });
    return relu ? y : layer.activation.apply(y);
  });
}

/** Registers the fused Dense's kernels and gradient and routes tfjs' Dense through them. Idempotent. */
export function installFusedDense(tf: Tfjs): string[] {
  const registered: string[] = [];
  for (const config of [denseForwardConfig(tf), denseBackwardConfig]) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  if (tf.getGradient(DENSE_FORWARD) === undefined) tf.registerGradient(denseGradConfig(tf));
  const denseClass = tf.serialization.SerializationMap.getMap().classNameMap.Dense?.[0] as { prototype: { call: LayerCall } } | undefined;
  if (denseClass === undefined) throw new Error("tfjs has no Dense layer class registered");
  const prototype = denseClass.prototype;
  const stockCall = prototype.call;
  if ((stockCall as { [FUSED]?: true })[FUSED] === true) return registered;
  const call: LayerCall = function (inputs, kwargs) {
    const x = fusedInput(tf, inputs);
    return x ? fusedDenseCall(tf, this, x, inputs, kwargs) : stockCall.call(this, inputs, kwargs);
  };
  Object.defineProperty(call, FUSED, { value: true });
  prototype.call = call;
  return registered;
}
