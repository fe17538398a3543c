// Gradient kernels the wasm backend lacks, so that models with Conv2D, DepthwiseConv2D (SeparableConv2D) or Embedding
// layers train on it. Stock tfjs-backend-wasm 4.22 registers every other kernel that training an MLP, a CNN with
// pooling and dropout, or an (bidirectional) LSTM text model needs (MaxPoolGrad, AvgPoolGrad, Conv2DBackpropInput...).
import type { KernelConfig } from "@tensorflow/tfjs";
import type { Tfjs } from "../sharedTfjs";
import { conv2DBackpropFilterConfig } from "./conv2DBackpropFilter";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./depthwiseConv2dNativeBackpropFilter";
import { depthwiseConv2dNativeBackpropInputConfig } from "./depthwiseConv2dNativeBackpropInput";
import { unsortedSegmentSumConfig } from "./unsortedSegmentSum";

const kernels: ((tf: Tfjs) => KernelConfig)[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Registers the missing kernels for the 'wasm' backend of this tfjs instance. Idempotent, and leaves alone a kernel
 * that is already there (a later tfjs-backend-wasm that ships its own). Returns the names it registered.
 */
export function registerWasmGradients(tf: Tfjs): string[] {
  const registered: string[] = [];
  for (const make of kernels) {
    const config = make(tf);
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
