// A fused categorical cross-entropy for the wasm backend (see kernels.ts). A model compiled with the loss
// "categoricalCrossentropy" trains and evaluates through it on wasm, for float32 [batch, classes] outputs; every other
// case, backend and loss gets tfjs-layers' own function. Only the function the training and test steps call is
// replaced, after compile: the one compile and fit compare by identity (to pick the accuracy metric, to check the
// targets' shape) stays tfjs', and so does what a saved model records.
import type { LayersModel, Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { registerMissingKernels } from "../../layers/fusedInstall";
import { CROSS_ENTROPY, crossEntropyConfig, crossEntropyGradConfig, crossEntropyGradientConfig } from "./kernels";

/** The kernels whose registration turns the fused cross-entropy on. */
export const FUSED_CROSS_ENTROPY_KERNELS = [CROSS_ENTROPY];

type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;
type CompileArgs = Parameters<LayersModel["compile"]>[0];
/** tfjs-layers' fields that compile fills (private in its types). */
interface CompiledModel {
  lossFunctions: LossFunction[];
  outputNames: string[];
}

const FUSED = Symbol.for("tfjs-studio.fusedCrossEntropyCompile");
const LOSS_NAME = "categoricalCrossentropy";

/** Registers the kernels and the gradient, and routes compiled models' categorical cross-entropy through them. Idempotent. */
export function installFusedCrossEntropy(tf: Tfjs): string[] {
  const registered = registerMissingKernels(tf, [crossEntropyConfig, crossEntropyGradConfig]);
  if (tf.getGradient(CROSS_ENTROPY) === undefined) tf.registerGradient(crossEntropyGradientConfig(tf));
  const prototype = tf.LayersModel.prototype as unknown as { compile: (this: LayersModel, args: CompileArgs) => void };
  const stockCompile = prototype.compile;
  if ((stockCompile as { [FUSED]?: true })[FUSED] === true) return registered;
  const compile = function (this: LayersModel, args: CompileArgs): void {
    stockCompile.call(this, args);
    const model = this as unknown as CompiledModel;
    model.lossFunctions = model.lossFunctions.map((stock, i) => (lossName(args.loss, model.outputNames[i], i) === LOSS_NAME ? fusedLoss(tf, stock) : stock));
  };
  Object.defineProperty(compile, FUSED, { value: true });
  prototype.compile = compile;
  return registered;
}

/** The loss named for output `index` (`name`), in any of the forms compile takes; undefined for a function. */
function lossName(loss: CompileArgs["loss"], name: string, index: number): string | undefined {
  const named = typeof loss === "string" ? loss : Array.isArray(loss) ? loss[index] : typeof loss === "object" ? loss[name] : undefined;
  return typeof named === "string" ? named : undefined;
}

function fusedLoss(tf: Tfjs, stock: LossFunction): LossFunction {
  return (yTrue, yPred) => {
    const applies =
      tf.getBackend() === "wasm" &&
      tf.getKernel(CROSS_ENTROPY, "wasm") !== undefined &&
      yPred.rank === 2 &&
      yPred.dtype === "float32" &&
      tf.util.arraysEqual(yTrue.shape, yPred.shape);
    if (!applies) return stock(yTrue, yPred);
    return tf.tidy(() => tf.engine().runKernel<Tensor>(CROSS_ENTROPY, { yTrue: tf.cast(yTrue, "float32"), yPred }, { epsilon: tf.backend().epsilon() }));
  };
}
