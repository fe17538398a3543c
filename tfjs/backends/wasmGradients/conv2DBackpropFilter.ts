// Conv2DBackpropFilter for wasm, from the wasm Conv2D itself: dW[kh,kw,ci,co] = Σ_n,oh,ow x[n, oh·s+kh−pt, ow·s+kw−pl, ci]
// · dy[n,oh,ow,co] is a convolution of x transposed to [Ci,H,W,N] (batch Ci, channels N) with dy transposed to
// [OH,OW,N,Co] as the filter, dilated by the forward stride, with the forward padding; its output [Ci,KH,KW,Co] is
// the filter gradient transposed.
import type { KernelConfig, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { convGeometry, trailingPad } from "./convGeometry";
import { opsKernelConfig } from "./kernelArgs";

const NAME = "Conv2DBackpropFilter";

export function conv2DBackpropFilterConfig(tf: Tfjs): KernelConfig {
  return opsKernelConfig(tf, NAME, ({ input, attrs }) => {
    const x = input<Tensor4D>("x");
    const dy = input<Tensor4D>("dy");
    // tfjs' conv2d gradient refuses dilated convolutions, so this kernel has no dilations attribute.
    const g = convGeometry(tf, NAME, x.shape, attrs.filterShape as number[], { ...attrs, dilations: 1 }, false);
    const padBottom = trailingPad(g.inHeight, g.padTop, g.outHeight, g.strideHeight, g.filterHeight, 1);
    const padRight = trailingPad(g.inWidth, g.padLeft, g.outWidth, g.strideWidth, g.filterWidth, 1);
    const gradient = tf.engine().runKernel<Tensor4D>("Conv2D", { x: tf.transpose(x, [3, 1, 2, 0]), filter: tf.transpose(dy, [1, 2, 0, 3]) }, {
      strides: [1, 1],
      pad: [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]],
      dataFormat: "NHWC",
      dilations: [g.strideHeight, g.strideWidth],
    });
    // Rows past the last tap (the input is larger than the forward convolution reaches) give extra outputs.
    const [, height, width] = gradient.shape;
    const exact = height === g.filterHeight && width === g.filterWidth ? gradient : tf.slice(gradient, 0, [-1, g.filterHeight, g.filterWidth, -1]);
    return tf.transpose(exact, [1, 2, 0, 3]);
  });
}
