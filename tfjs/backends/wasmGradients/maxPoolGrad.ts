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
