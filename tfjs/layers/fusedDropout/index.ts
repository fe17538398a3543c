// A fused dropout for the wasm backend (see kernel.ts). It is installed into tfjs' Dropout class, whose call takes the
// fused path while training on wasm for unseeded dropout over the whole input (no noiseShape) of a float32 tensor, and
// tfjs' own path otherwise; models still save as a plain 'Dropout'.
import type { Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { registerMissingKernels, routeLayerCall } from "../fusedInstall";
import { DROPOUT, dropoutConfig, dropoutGradConfig } from "./kernel";

/** The kernels whose registration turns the fused dropout on. */
export const FUSED_DROPOUT_KERNELS = [DROPOUT];

/** What the fused path reads of a tfjs Dropout layer (tfjs-layers' Dropout fields, private in its types). */
interface DropoutLayer {
  readonly rate: number;
  readonly seed?: number;
  getNoiseShape(input: Tensor): unknown;
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: unknown): void;
}

type DropoutKwargs = { training?: boolean } | undefined;

function fusedInput(tf: Tfjs, layer: DropoutLayer, inputs: Tensor | Tensor[], kwargs: DropoutKwargs): Tensor | undefined {
  if (tf.getBackend() !== "wasm" || tf.getKernel(DROPOUT, "wasm") === undefined) return undefined;
  if (kwargs?.training !== true || !(layer.rate > 0 && layer.rate < 1) || layer.seed != null) return undefined;
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  // A noise shape (set, or a subclass's such as SpatialDropout1D's) drops whole slices: tfjs' path.
  return x !== undefined && x.dtype === "float32" && layer.getNoiseShape(x) == null ? x : undefined;
}

/** Registers the fused dropout's kernel and gradient and routes tfjs' Dropout through them. Idempotent. */
export function installFusedDropout(tf: Tfjs): string[] {
  const registered = registerMissingKernels(tf, [dropoutConfig]);
  if (tf.getGradient(DROPOUT) === undefined) tf.registerGradient(dropoutGradConfig(tf));
  routeLayerCall<DropoutLayer, DropoutKwargs>(tf, "Dropout", (layer, inputs, kwargs) => {
    const x = fusedInput(tf, layer, inputs, kwargs);
    return (
      x &&
      tf.tidy(() => {
        layer.invokeCallHook(inputs, kwargs);
        return tf.engine().runKernel<Tensor[]>(DROPOUT, { x }, { rate: layer.rate })[0];
      })
    );
  });
  return registered;
}
