// tfjs' AdamOptimizer.applyGradients through the fused update kernel, where it applies: on wasm, with the kernel
// registered, float32 variables. The optimizer's state stays in tfjs' own fields, made as tfjs makes them, so that
// getWeights/setWeights, saving with the optimizer and dispose work as they do for stock Adam.
import type { NamedTensorMap, Tensor, Variable } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { ADAM_UPDATE, adamInput, type AdamUpdateAttrs } from "./updateKernel";

interface OptimizerVariable {
  originalName: string;
  variable: Variable;
}

/** The fields of tfjs' AdamOptimizer (private in its types) that the update reads and writes. */
export interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedSecondMoment: OptimizerVariable[];
  incrementIterations(): void;
}

export type VariableGradients = NamedTensorMap | { name: string; tensor: Tensor }[];

/**
 * Gives a variable data of its own where another tensor shares it (the tensor it was made from, a clone), so that
 * writing it in place changes nothing else. Rare: tfjs makes its variables from tensors it then disposes.
 */
function ownData(tf: Tfjs, backend: BackendWasm, variable: Variable): Variable {
  if (backend.refCount(variable.dataId) > 1) {
    const copy = tf.tensor(variable.dataSync(), variable.shape, variable.dtype);
    variable.assign(copy);
    copy.dispose();
  }
  return variable;
}

/** Applies the gradients as tfjs' Adam does, in one kernel; false where the fused update does not apply. */
export function applyFusedAdam(tf: Tfjs, adam: AdamInternals, variableGradients: VariableGradients): boolean {
  if (tf.getBackend() !== "wasm" || tf.getKernel(ADAM_UPDATE, "wasm") === undefined) return false;
  const named: [string, Tensor | undefined][] = Array.isArray(variableGradients)
    ? variableGradients.map(({ name, tensor }) => [name, tensor])
    : Object.entries(variableGradients);
  const registered = tf.engine().registeredVariables;
  if (named.some(([name, gradient]) => registered[name].dtype !== "float32" || (gradient && gradient.dtype !== "float32"))) return false;
  const backend = tf.backend() as BackendWasm;
  const inputs: Record<string, Tensor> = { accBeta1: ownData(tf, backend, adam.accBeta1), accBeta2: ownData(tf, backend, adam.accBeta2) };
  let count = 0;
  named.forEach(([name, gradient], i) => {
    const value = registered[name];
    // As tfjs' Adam: moments for every variable, by position, made even for one without a gradient.
    adam.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    adam.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    if (gradient == null) return;
    inputs[adamInput("x", count)] = ownData(tf, backend, value);
    inputs[adamInput("m", count)] = ownData(tf, backend, adam.accumulatedFirstMoment[i].variable);
    inputs[adamInput("v", count)] = ownData(tf, backend, adam.accumulatedSecondMoment[i].variable);
    inputs[adamInput("g", count)] = gradient;
    count++;
  });
  const attrs: AdamUpdateAttrs = { count, learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon };
  tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as Record<string, number>);
  adam.incrementIterations();
  return true;
}
