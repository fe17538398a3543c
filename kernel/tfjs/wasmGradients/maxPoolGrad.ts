// A faster MaxPoolGrad for wasm, for the usual pooling whose windows tile the input (pool size = stride, MaxPooling2D's
// default). The stock kernel is a plain loop, a quarter of the MNIST CNN's training step, and with 'same' padding it
// drops the gradient of a window whose values are all negative (it takes the padding for the maximum). Here each
// window becomes a row (Reshape, Transpose), ArgMax picks the first maximum, as the cpu kernel does, and a one-hot
// mask times dy puts the gradient there. Overlapping windows go to the stock kernel.
import type { KernelConfig, Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../sharedTfjs";
import { kernelAttrs, kernelInput } from "./kernelArgs";
import type { DimRoundingMode, Pad } from "./convGeometry";

const NAME = "MaxPoolGrad";
/** Marks our kernel, so that registering twice does not replace it again. */
const OURS = Symbol.for("tfjs-studio.maxPoolGrad");

export function maxPoolGradConfig(tf: Tfjs): KernelConfig | undefined {
  const stock = tf.getKernel(NAME, "wasm");
  if (stock === undefined || (stock.kernelFunc as { [OURS]?: true })[OURS]) return undefined;
  const kernelFunc: KernelConfig["kernelFunc"] = (args) =>
    tf.tidy(() => {
      const attrs = kernelAttrs(NAME, args.attrs);
      const x = kernelInput<Tensor4D>(tf, NAME, args.inputs, "input");
      const info = tf.backend_util.computePool2DInfo(
        x.shape,
        attrs.filterSize as [number, number] | number,
        attrs.strides as [number, number] | number,
        1,
        attrs.pad as Pad,
        attrs.dimRoundingMode as DimRoundingMode,
      );
      const { batchSize: n, inChannels: c, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
      const tiles = kh === info.strideHeight && kw === info.strideWidth && info.dilationHeight === 1 && info.dilationWidth === 1;
      // The stock kernel's result is a bare TensorInfo, which tidy leaves alone.
      if (!tiles) return stock.kernelFunc(args) as Tensor4D;
      const dy = kernelInput<Tensor4D>(tf, NAME, args.inputs, "dy");
      // The windows cover [−top, oh·kh − top) × [−left, ow·kw − left): padding (never a maximum) where that passes the
      // input, and input rows and columns past the last window dropped (they get no gradient).
      const { top, left } = info.padInfo;
      const rows = Math.min(h, oh * kh - top);
      const cols = Math.min(w, ow * kw - left);
      const bottom = oh * kh - top - rows;
      const right = ow * kw - left - cols;
      const used = rows === h && cols === w ? x : tf.slice(x, 0, [n, rows, cols, c]);
      const framed = top + bottom + left + right === 0 ? used : tf.pad(used, [[0, 0], [top, bottom], [left, right], [0, 0]], -Infinity);
      const windows = tf.reshape(tf.transpose(tf.reshape(framed, [n, oh, kh, ow, kw, c]), [0, 1, 3, 5, 2, 4]), [n, oh, ow, c, kh * kw]);
      // Cast: wasm's OneHot writes int32 data whatever dtype it is asked for.
      const mask = tf.cast(tf.oneHot(tf.argMax(windows, 4), kh * kw), "float32");
      const spread = tf.mul(mask, tf.reshape(dy, [n, oh, ow, c, 1]));
      const dxFramed = tf.reshape(tf.transpose(tf.reshape(spread, [n, oh, ow, c, kh, kw]), [0, 1, 4, 2, 5, 3]), [n, oh * kh, ow * kw, c]);
      const dxUsed = framed === used ? dxFramed : tf.slice(dxFramed, [0, top, left, 0], [n, rows, cols, c]);
      return used === x ? dxUsed : tf.pad(dxUsed, [[0, 0], [0, h - rows], [0, w - cols], [0, 0]]);
    });
  Object.defineProperty(kernelFunc, OURS, { value: true });
  return { ...stock, kernelFunc };
}
