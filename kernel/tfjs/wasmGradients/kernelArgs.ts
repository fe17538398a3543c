// The inputs and attributes a kernel function receives, checked, as tensors the kernels can pass to tf ops.
import type { NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from "@tensorflow/tfjs";
import type { Tfjs } from "../sharedTfjs";

/** The named input as the engine passed it, for kernels that work on the wasm heap directly. */
export function kernelInputInfo(kernelName: string, inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernelName}: missing input '${name}'`);
  return info;
}

/**
 * The named input as a Tensor. The engine hands kernels the op's tensors; a caller of runKernel may pass bare
 * TensorInfos, which get a Tensor that the enclosing tidy disposes (releasing only the reference it took).
 */
export function kernelInput<T extends Tensor>(tf: Tfjs, kernelName: string, inputs: NamedTensorInfoMap, name: string): T {
  const info = kernelInputInfo(kernelName, inputs, name);
  return (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info)) as T;
}

export function kernelAttrs(kernelName: string, attrs: NamedAttrMap | undefined): NamedAttrMap {
  if (attrs === undefined) throw new Error(`${kernelName}: missing attributes`);
  return attrs;
}
