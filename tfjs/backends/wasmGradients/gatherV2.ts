// GatherV2 for wasm, copying whole rows through views of the wasm heap. The stock kernel computes every element's
// source position in C++ with a heap-allocated index vector per element: a third of the MNIST MLP's training step went
// to fit gathering its shuffled batch, and every Embedding lookup pays it too.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { heapStandIn } from "./heapSlice";
import { kernelAttrs, kernelInputInfo } from "./kernelArgs";

const NAME = "GatherV2";

export function gatherV2Config(tf: Tfjs): KernelConfig | undefined {
  return heapStandIn(tf, NAME, "x", ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const x = kernelInputInfo(NAME, inputs, "x");
    const indices = kernelInputInfo(NAME, inputs, "indices");
    const $attrs = kernelAttrs(NAME, attrs);
    const axis = tf.util.parseAxisParam($attrs.axis as number, x.shape)[0];
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, ($attrs.batchDims as number) ?? 0);
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const perBatch = tf.util.sizeFromShape(indices.shape) / batchSize;
    const out = wasm.makeOutput(info.outputShape, x.dtype);
    if (tf.util.sizeFromShape(info.outputShape) === 0) return out;
    // Views taken after makeOutput: an allocation may grow the wasm memory, which detaches older views.
    const from = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(indices);
    const to = wasm.typedArrayFromHeap(out);
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] < dimSize)) throw new Error(`GatherV2: the index value ${ids[i]} is not in [0, ${dimSize - 1}]`);
    }
    let written = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const base = (b * outerSize + o) * dimSize;
        for (let j = 0; j < perBatch; j++) {
          const start = (base + ids[b * perBatch + j]) * sliceSize;
          to.set(from.subarray(start, start + sliceSize), written);
          written += sliceSize;
        }
      }
    }
    return out;
  });
}
