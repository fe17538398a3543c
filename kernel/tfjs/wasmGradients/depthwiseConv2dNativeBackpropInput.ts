// DepthwiseConv2dNativeBackpropInput for wasm, as the transposed convolution built from the wasm DepthwiseConv2dNative:
// dy is spread out by the forward stride (zeros between rows and columns), padded so that the reversed filter's taps
// line up with the forward padding, then convolved depthwise (stride 1, the forward dilation) with the filter reversed
// in space, one channel per (input channel, multiplier) pair, and the multipliers summed.
import type { KernelConfig, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../sharedTfjs";
import { convGeometry } from "./convGeometry";
import { kernelAttrs, kernelInput } from "./kernelArgs";

const NAME = "DepthwiseConv2dNativeBackpropInput";

export function depthwiseConv2dNativeBackpropInputConfig(tf: Tfjs): KernelConfig {
  return {
    kernelName: NAME,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) =>
      tf.tidy(() => {
        const dy = kernelInput<Tensor4D>(tf, NAME, inputs, "dy");
        const filter = kernelInput<Tensor4D>(tf, NAME, inputs, "filter");
        const $attrs = kernelAttrs(NAME, attrs);
        const g = convGeometry(tf, NAME, $attrs.inputShape as number[], filter.shape, $attrs, true);
        const multiplier = filter.shape[3];
        const channels = g.inChannels * multiplier;
        // Spread: [N,OH,1,OW,1,C] padded to [N,OH,sh,OW,sw,C] puts sh−1 zero rows after each row (and likewise columns).
        const spreadHeight = g.outHeight * g.strideHeight;
        const spreadWidth = g.outWidth * g.strideWidth;
        const spread: Tensor4D =
          g.strideHeight === 1 && g.strideWidth === 1
            ? dy
            : tf.reshape(
                tf.pad(tf.reshape(dy, [g.batch, g.outHeight, 1, g.outWidth, 1, channels]), [
                  [0, 0],
                  [0, 0],
                  [0, g.strideHeight - 1],
                  [0, 0],
                  [0, g.strideWidth - 1],
                  [0, 0],
                ]),
                [g.batch, spreadHeight, spreadWidth, channels],
              );
        const reach = (filterSize: number, dilation: number) => (filterSize - 1) * dilation;
        const top = reach(g.filterHeight, g.dilationHeight) - g.padTop;
        const left = reach(g.filterWidth, g.dilationWidth) - g.padLeft;
        const bottom = g.inHeight + reach(g.filterHeight, g.dilationHeight) - spreadHeight - top;
        const right = g.inWidth + reach(g.filterWidth, g.dilationWidth) - spreadWidth - left;
        const framed = padOrCrop(tf, spread, top, bottom, left, right);
        const reversed = tf.reshape(tf.reverse(filter, [0, 1]), [g.filterHeight, g.filterWidth, channels, 1]);
        const dx = tf.engine().runKernel("DepthwiseConv2dNative", { x: framed, filter: reversed }, {
          strides: [1, 1],
          pad: "valid",
          dilations: [g.dilationHeight, g.dilationWidth],
        }) as Tensor4D;
        return multiplier === 1 ? dx : tf.sum(tf.reshape(dx, [g.batch, g.inHeight, g.inWidth, g.inChannels, multiplier]), 4);
      }),
  };
}

/** Pads (positive amounts) and crops (negative amounts) the two spatial dimensions of an NHWC tensor. */
function padOrCrop(tf: Tfjs, t: Tensor4D, top: number, bottom: number, left: number, right: number): Tensor4D {
  const grow = (n: number) => Math.max(0, n);
  const padded =
    top > 0 || bottom > 0 || left > 0 || right > 0
      ? tf.pad(t, [
          [0, 0],
          [grow(top), grow(bottom)],
          [grow(left), grow(right)],
          [0, 0],
        ])
      : t;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const shrink = (n: number) => Math.max(0, -n);
  const [, height, width] = padded.shape;
  return tf.slice(padded, [0, shrink(top), shrink(left), 0], [-1, height - shrink(top) - shrink(bottom), width - shrink(left) - shrink(right), -1]);
}
