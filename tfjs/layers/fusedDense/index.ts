// A fused Dense layer for the wasm backend. While training, tfjs' Dense runs its product, bias and activation as
// separate kernels (tf.fused.matMul fuses only a linear activation when gradients are recorded), and their gradients
// as five more; here the forward is one XNNPACK kernel and the backward one kernel plus the two products. It is
// installed into tfjs' Dense class, whose call takes the fused path for 2-D float32 inputs on wasm and tfjs' path
// otherwise; models still save as a plain 'Dense'.
import type { Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { registerMissingKernels, routeLayerCall } from "../fusedInstall";
import { DENSE_FORWARD, FUSED_DENSE_KERNELS, denseBackwardConfig, denseForwardConfig } from "./kernels";
import { denseGradConfig } from "./gradient";

export { FUSED_DENSE_KERNELS } from "./kernels";

/** What the fused path reads of a tfjs Dense layer (tfjs-layers' Dense fields, private in its types). */
interface DenseLayer {
  readonly activation: { getClassName(): string; apply(x: Tensor): Tensor };
  readonly kernel: { read(): Tensor };
  readonly bias: { read(): Tensor } | null;
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: unknown): void;
}

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
  const registered = registerMissingKernels(tf, [denseForwardConfig(tf), denseBackwardConfig]);
  if (tf.getGradient(DENSE_FORWARD) === undefined) tf.registerGradient(denseGradConfig(tf));
  routeLayerCall<DenseLayer, unknown>(tf, "Dense", (layer, inputs, kwargs) => {
    const x = fusedInput(tf, inputs);
    return x && fusedDenseCall(tf, layer, x, inputs, kwargs);
  });
  return registered;
}
