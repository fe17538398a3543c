// A faster Conv2DBackpropInput for wasm. The stock kernel is a plain C++ loop: in the MNIST CNN it took half of each
// training step. This is the transposed convolution through wasm's XNNPACK Conv2D: dy spread and framed (see
// transposedConvolution.ts), convolved (stride 1) with the filter reversed in space and its in/out channels swapped.
import type { KernelConfig, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { convGeometry } from "./convGeometry";
import { kernelAttrs, kernelInput } from "./kernelArgs";
import { standIn } from "./standIn";
import { frameForTransposedConvolution } from "./transposedConvolution";

const NAME = "Conv2DBackpropInput";
export function conv2DBackpropInputConfig(tf: Tfjs): KernelConfig | undefined {
  return standIn(tf, NAME, (stock) => (args) => {
    const attrs = kernelAttrs(NAME, args.attrs);
    // Channels-first is the stock kernel's business.
    if ((attrs.dataFormat ?? "NHWC") !== "NHWC") return stock.kernelFunc(args);
    return tf.tidy(() => {
      const dy = kernelInput<Tensor4D>(tf, NAME, args.inputs, "dy");
      const filter = kernelInput<Tensor4D>(tf, NAME, args.inputs, "filter");
      // tfjs' conv2d gradient refuses dilated convolutions, so this kernel has no dilations attribute.
      const g = convGeometry(tf, NAME, attrs.inputShape as number[], filter.shape, { ...attrs, dilations: 1 }, false);
      const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
      return tf.engine().runKernel<Tensor4D>("Conv2D", { x: frameForTransposedConvolution(tf, dy, g), filter: rotated }, {
        strides: [1, 1],
        pad: "valid",
        dataFormat: "NHWC",
        dilations: [1, 1],
      });
    });
  });
}
