// The inputs and attributes a kernel function receives, checked, as tensors the kernels can pass to tf ops.
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";

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

export interface OpsKernelArgs {
  /** The named input as a Tensor (see kernelInput). */
  input<T extends Tensor>(name: string): T;
  attrs: NamedAttrMap;
}

/** A wasm kernel composed of tf ops: the body gets checked inputs and attributes and runs in a tidy. */
export function opsKernelConfig(tf: Tfjs, kernelName: string, body: (args: OpsKernelArgs) => Tensor): KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) =>
      tf.tidy(() => body({ input: <T extends Tensor>(name: string) => kernelInput<T>(tf, kernelName, inputs, name), attrs: kernelAttrs(kernelName, attrs) })),
  };
}
