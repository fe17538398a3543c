// DepthwiseConv2dNativeBackpropFilter for wasm. Each filter tap (kh,kw) sees the input through one strided window:
// dW[kh,kw,c,m] = Σ_n,oh,ow x[n, oh·s+kh·d−pt, ow·s+kw·d−pl, c] · dy[n,oh,ow,c·M+m], so per tap one StridedSlice of the
// padded input, a Mul and a Sum, all wasm kernels. Depthwise filters are small (3×3, 5×5), so the taps are few.
import type { KernelConfig, Tensor, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { convGeometry, trailingPad } from "./convGeometry";
import { opsKernelConfig } from "./kernelArgs";

const NAME = "DepthwiseConv2dNativeBackpropFilter";

export function depthwiseConv2dNativeBackpropFilterConfig(tf: Tfjs): KernelConfig {
  return opsKernelConfig(tf, NAME, ({ input, attrs }) => {
    const x = input<Tensor4D>("x");
    const dy = input<Tensor4D>("dy");
    const filterShape = attrs.filterShape as [number, number, number, number];
    const g = convGeometry(tf, NAME, x.shape, filterShape, attrs, true);
    const multiplier = filterShape[3];
    const padded = tf.pad(x, [
      [0, 0],
      [g.padTop, trailingPad(g.inHeight, g.padTop, g.outHeight, g.strideHeight, g.filterHeight, g.dilationHeight)],
      [g.padLeft, trailingPad(g.inWidth, g.padLeft, g.outWidth, g.strideWidth, g.filterWidth, g.dilationWidth)],
      [0, 0],
    ]);
    const dyPerMultiplier = tf.reshape(dy, [g.batch, g.outHeight, g.outWidth, g.inChannels, multiplier]);
    const taps: Tensor[] = [];
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++) {
        const top = kh * g.dilationHeight;
        const left = kw * g.dilationWidth;
        const window = tf.stridedSlice(
          padded,
          [0, top, left, 0],
          [g.batch, top + (g.outHeight - 1) * g.strideHeight + 1, left + (g.outWidth - 1) * g.strideWidth + 1, g.inChannels],
          [1, g.strideHeight, g.strideWidth, 1],
        );
        const products = tf.mul(tf.reshape(window, [g.batch, g.outHeight, g.outWidth, g.inChannels, 1]), dyPerMultiplier);
        taps.push(tf.sum(products, [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), filterShape);
  });
}
