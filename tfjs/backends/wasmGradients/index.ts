// What the wasm backend needs to train well. Stock tfjs-backend-wasm 4.22 lacks the gradient kernels of Conv2D,
// DepthwiseConv2D (SeparableConv2D) and Gather (Embedding), so models with those layers cannot train on it; every other
// kernel that an MLP, a CNN with pooling and dropout, or a (bidirectional) LSTM text model needs is there (MaxPoolGrad,
// AvgPoolGrad, Conv2DBackpropInput...). Some of those are slow: its transposed matrix products, which backprop is made
// of, Conv2DBackpropInput and MaxPoolGrad (faster stand-ins built from its XNNPACK kernels replace them), and Slice,
// Unpack and SplitV, which copy their whole input per piece (an LSTM's unstacking of its sequence), and GatherV2 (fit's
// batches, Embedding lookups), slow per element: stand-ins copy rows through heap views. Its OneHot ignores the dtype
// it is asked for: a stand-in casts. Its Identity (tf.clone) copies the tensor: a stand-in shares it. tfjs' LSTM layer
// runs every step as a dozen small kernels: the fused LSTM (tfjs/layers/fusedLstm) runs a sequence as two on wasm.
// tfjs' Adam updates each variable with fourteen kernels: the fused Adam (tfjs/optimizers/fusedAdam) updates all
// variables with one. While training, tfjs' Dense runs product, bias and activation as three kernels and their
// gradients as five more: the fused Dense (tfjs/layers/fusedDense) runs one forward and one backward. tfjs' dropout
// draws its mask in JavaScript, slowly: the fused dropout (tfjs/layers/fusedDropout) draws it on the heap. tfjs-layers'
// categorical cross-entropy is nine small kernels and its gradient twenty-five: the fused one (tfjs/losses/
// fusedCrossEntropy) is one each.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { FUSED_LSTM_KERNELS, installFusedLstm } from "../../layers/fusedLstm";
import { FUSED_ADAM_KERNELS, installFusedAdam } from "../../optimizers/fusedAdam";
import { FUSED_DENSE_KERNELS, installFusedDense } from "../../layers/fusedDense";
import { FUSED_DROPOUT_KERNELS, installFusedDropout } from "../../layers/fusedDropout";
import { FUSED_CROSS_ENTROPY_KERNELS, installFusedCrossEntropy } from "../../losses/fusedCrossEntropy";
import { conv2DBackpropFilterConfig } from "./conv2DBackpropFilter";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./depthwiseConv2dNativeBackpropFilter";
import { depthwiseConv2dNativeBackpropInputConfig } from "./depthwiseConv2dNativeBackpropInput";
import { conv2DBackpropInputConfig } from "./conv2DBackpropInput";
import { gatherV2Config } from "./gatherV2";
import { identityConfig } from "./identity";
import { sliceConfig, splitVConfig, unpackConfig } from "./heapSlice";
import { maxPoolGradConfig } from "./maxPoolGrad";
import { oneHotConfig } from "./oneHot";
import { transposedMatMulConfig } from "./transposedMatMul";
import { unsortedSegmentSumConfig } from "./unsortedSegmentSum";

/** The fused paths' kernels: each path runs only where its kernels are registered, tfjs' own code otherwise. */
export const FUSED_KERNELS = [...FUSED_LSTM_KERNELS, ...FUSED_DENSE_KERNELS, ...FUSED_DROPOUT_KERNELS, ...FUSED_ADAM_KERNELS, ...FUSED_CROSS_ENTROPY_KERNELS];

/** Kernels wasm lacks: registered unless a kernel of that name is already there (a later wasm backend's own). */
const missingKernels: ((tf: Tfjs) => KernelConfig)[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Faster (or fixed) stand-ins for wasm kernels: each returns undefined when there is nothing (left) to replace. */
const replacedKernels: ((tf: Tfjs) => KernelConfig | undefined)[] = [
  transposedMatMulConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  oneHotConfig,
  sliceConfig,
  unpackConfig,
  splitVConfig,
  gatherV2Config,
  identityConfig,
];

/**
 * Registers the missing kernels and the faster stand-ins for the 'wasm' backend of this tfjs instance, and installs
 * the fused LSTM, Dense, dropout and Adam. Call it once tfjs-backend-wasm is loaded (its kernels registered), before or after the backend is
 * initialized. Idempotent. Returns the names of the kernels it registered.
 */
export function registerWasmGradients(tf: Tfjs): string[] {
  const registered: string[] = [];
  for (const make of missingKernels) {
    const config = make(tf);
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  for (const make of replacedKernels) {
    const config = make(tf);
    if (config === undefined) continue;
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  registered.push(...installFusedLstm(tf), ...installFusedDense(tf), ...installFusedDropout(tf), ...installFusedAdam(tf), ...installFusedCrossEntropy(tf));
  return registered;
}
