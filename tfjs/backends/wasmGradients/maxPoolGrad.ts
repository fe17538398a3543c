// MaxPoolGrad for wasm as one pass over views of the wasm heap. The stock kernel is a slow loop (a quarter of the
// MNIST CNN's training step), and with 'same' padding it drops the gradient of a window whose values are all negative
// (it takes the padding for the maximum). Here, as in the cpu kernel, each output's gradient goes to the first largest
// input of its window (padding excluded), added up where windows overlap. Channels are the inner loop, so every read
// is sequential.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import type { DimRoundingMode, Pad } from "./convGeometry";
import { kernelAttrs, kernelInputInfo } from "./kernelArgs";
import { standIn } from "./standIn";

const NAME = "MaxPoolGrad";
type HeapView = ReturnType<BackendWasm["typedArrayFromHeap"]>;
export function maxPoolGradConfig(tf: Tfjs): KernelConfig | undefined {
  return standIn(tf, NAME, () => ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const $attrs = kernelAttrs(NAME, attrs);
    const x = kernelInputInfo(NAME, inputs, "input");
    const dy = kernelInputInfo(NAME, inputs, "dy");
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      $attrs.filterSize as [number, number] | number,
      $attrs.strides as [number, number] | number,
      1,
      $attrs.pad as Pad,
      $attrs.dimRoundingMode as DimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const dx = wasm.makeOutput(x.shape, "float32");
    // Views taken after makeOutput: an allocation may grow the wasm memory, which detaches older views.
    const xs = wasm.typedArrayFromHeap(x);
    const dys = wasm.typedArrayFromHeap(dy);
    const dxs = wasm.typedArrayFromHeap(dx);
    dxs.fill(0);
    const { top: padTop, left: padLeft } = info.padInfo;
    if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && padTop === 0 && padLeft === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth) {
      pool2x2Gradient(xs, dys, dxs, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
      return dx;
    }
    const best = new Float32Array(channels);
    const bestAt = new Int32Array(channels);
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const top = oh * strideHeight - info.padInfo.top;
        const rowStart = Math.max(0, top);
        const rowEnd = Math.min(inHeight, top + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const left = ow * strideWidth - info.padInfo.left;
          const colStart = Math.max(0, left);
          const colEnd = Math.min(inWidth, left + filterWidth);
          if (rowStart >= rowEnd || colStart >= colEnd) continue;
          // The window's first input starts as the maximum; later ones replace it only when strictly greater, so the
          // first maximum wins, as in the cpu kernel.
          const first = ((n * inHeight + rowStart) * inWidth + colStart) * channels;
          for (let c = 0; c < channels; c++) {
            best[c] = xs[first + c];
            bestAt[c] = first + c;
          }
          for (let r = rowStart; r < rowEnd; r++) {
            for (let col = r === rowStart ? colStart + 1 : colStart; col < colEnd; col++) {
              const at = ((n * inHeight + r) * inWidth + col) * channels;
              for (let c = 0; c < channels; c++) {
                const value = xs[at + c];
                if (value > best[c]) {
                  best[c] = value;
                  bestAt[c] = at + c;
                }
              }
            }
          }
          const from = ((n * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) dxs[bestAt[c]] += dys[from + c];
        }
      }
    }
    return dx;
  });
}

/**
 * The usual pooling (2×2, stride 2, every window inside the input) without the general loop's per-channel scratch
 * arrays: windows do not overlap, so each output's gradient is written, not added, to the first largest of its four.
 */
function pool2x2Gradient(xs: HeapView, dys: HeapView, dxs: HeapView, batchSize: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number): void {
  const rowStride = inWidth * channels;
  let from = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const topLeft = ((n * inHeight + 2 * oh) * inWidth + 2 * ow) * channels;
        const topRight = topLeft + channels;
        const bottomLeft = topLeft + rowStride;
        const bottomRight = bottomLeft + channels;
        for (let c = 0; c < channels; c++) {
          // Reading order as in the general loop (row by row), so ties go to the same input.
          let at = topLeft + c;
          let max = xs[at];
          let value = xs[topRight + c];
          if (value > max) {
            max = value;
            at = topRight + c;
          }
          value = xs[bottomLeft + c];
          if (value > max) {
            max = value;
            at = bottomLeft + c;
          }
          if (xs[bottomRight + c] > max) at = bottomRight + c;
          dxs[at] = dys[from + c];
        }
        from += channels;
      }
    }
  }
}
