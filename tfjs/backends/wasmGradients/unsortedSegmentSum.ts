// UnsortedSegmentSum for wasm: the gradient of Gather, so of every Embedding layer. A scatter-add over the rows of
// `x`, done in one pass in JavaScript on the wasm heap's copy: the alternative through wasm kernels (a one-hot matrix
// times x) needs rows × numSegments memory, 500 MB for a batch of 128 sequences of 100 words and a 10,000-word vocabulary.
import type { KernelConfig, Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { opsKernelConfig } from "./kernelArgs";

const NAME = "UnsortedSegmentSum";

export function unsortedSegmentSumConfig(tf: Tfjs): KernelConfig {
  return opsKernelConfig(tf, NAME, ({ input, attrs }) => {
    const numSegments = attrs.numSegments as number;
    const x = input<Tensor>("x");
    const segmentIds = input<Tensor>("segmentIds");
    const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
    if (!segmentIds.shape.every((size, axis) => size === x.shape[axis])) {
      throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x's shape [${x.shape}]`);
    }
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const rowSize = outShape.slice(1).reduce((a, b) => a * b, 1);
    const values = x.dataSync();
    const ids = segmentIds.dataSync();
    const sums = x.dtype === "int32" ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
    for (let row = 0; row < rows; row++) {
      const segment = ids[row];
      // Like TensorFlow: ids outside [0, numSegments) are dropped.
      if (segment < 0 || segment >= numSegments) continue;
      const from = row * rowSize;
      const to = segment * rowSize;
      for (let i = 0; i < rowSize; i++) sums[to + i] += values[from + i];
    }
    return tf.tensor(sums, outShape, x.dtype);
  });
}
