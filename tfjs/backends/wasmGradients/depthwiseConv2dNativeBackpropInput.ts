// DepthwiseConv2dNativeBackpropInput for wasm, as the transposed convolution built from the wasm DepthwiseConv2dNative:
// dy spread and framed (see transposedConvolution.ts), then convolved depthwise (stride 1, the forward dilation) with
// the filter reversed in space, one channel per (input channel, multiplier) pair, and the multipliers summed.
import type { KernelConfig, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { convGeometry } from "./convGeometry";
import { opsKernelConfig } from "./kernelArgs";
import { frameForTransposedConvolution } from "./transposedConvolution";

const NAME = "DepthwiseConv2dNativeBackpropInput";

export function depthwiseConv2dNativeBackpropInputConfig(tf: Tfjs): KernelConfig {
  return opsKernelConfig(tf, NAME, ({ input, attrs }) => {
    const dy = input<Tensor4D>("dy");
    const filter = input<Tensor4D>("filter");
    const g = convGeometry(tf, NAME, attrs.inputShape as number[], filter.shape, attrs, true);
    const multiplier = filter.shape[3];
    const reversed = tf.reshape(tf.reverse(filter, [0, 1]), [g.filterHeight, g.filterWidth, g.inChannels * multiplier, 1]);
    const dx = tf.engine().runKernel<Tensor4D>("DepthwiseConv2dNative", { x: frameForTransposedConvolution(tf, dy, g), filter: reversed }, {
      strides: [1, 1],
      pad: "valid",
      dilations: [g.dilationHeight, g.dilationWidth],
    });
    return multiplier === 1 ? dx : tf.sum(tf.reshape(dx, [g.batch, g.inHeight, g.inWidth, g.inChannels, multiplier]), 4);
  });
}
