// UnsortedSegmentSum for wasm: the gradient of Gather, so of every Embedding layer. A scatter-add over the rows of
// `x`, done in one pass in JavaScript over views of the wasm heap: the alternative through wasm kernels (a one-hot
// matrix times x) needs rows × numSegments memory, 500 MB for a batch of 128 sequences of 100 words and a 10,000-word
// vocabulary.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInputInfo } from "./kernelArgs";

const NAME = "UnsortedSegmentSum";

export function unsortedSegmentSumConfig(tf: Tfjs): KernelConfig {
  return {
    kernelName: NAME,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as BackendWasm;
      const numSegments = kernelAttrs(NAME, attrs).numSegments as number;
      const x = kernelInputInfo(NAME, inputs, "x");
      const segmentIds = kernelInputInfo(NAME, inputs, "segmentIds");
      const rows = tf.util.sizeFromShape(segmentIds.shape);
      if (!segmentIds.shape.every((size, axis) => size === x.shape[axis])) {
        throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x's shape [${x.shape}]`);
      }
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const rowSize = tf.util.sizeFromShape(outShape.slice(1));
      const out = wasm.makeOutput(outShape, x.dtype);
      // Views taken after makeOutput: an allocation may grow the wasm memory, which detaches older views.
      const sums = wasm.typedArrayFromHeap(out);
      const values = wasm.typedArrayFromHeap(x);
      const ids = wasm.typedArrayFromHeap(segmentIds);
      sums.fill(0);
      for (let row = 0; row < rows; row++) {
        const segment = ids[row];
        // Like TensorFlow: ids outside [0, numSegments) are dropped.
        if (segment < 0 || segment >= numSegments) continue;
        const from = row * rowSize;
        const to = segment * rowSize;
        for (let i = 0; i < rowSize; i++) sums[to + i] += values[from + i];
      }
      return out;
    },
  };
}
