// Slice, Unpack and SplitV for wasm without copying the whole input. The stock Slice reads its input with readSync,
// which copies the entire tensor out of the wasm heap, for every slice; Unpack and SplitV call it once per piece. An
// LSTM unstacks its [time, batch, features] input into one slice per step: 100 copies of the whole sequence batch,
// two thirds of the text model's training step. These copy only the sliced rows, through views of the heap.
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs, kernelInputInfo } from "./kernelArgs";
import { standIn } from "./standIn";

/** x[begin : begin + size], copied row by row (runs of the last dimension) from the heap into a new output. */
function sliceOnHeap(tf: Tfjs, backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  // Views taken after makeOutput: an allocation may grow the wasm memory, which detaches older views.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    to.set(from.subarray(offset, offset + total));
    return out;
  }
  const rank = x.shape.length;
  const row = size[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  for (let written = 0; written < total; written += row) {
    let offset = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (begin[d] + index[d]) * strides[d];
    to.set(from.subarray(offset, offset + row), written);
    // Next row: odometer over the leading dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** A stand-in that leaves strings (kept outside the heap) to the stock kernel. */
export function heapStandIn(tf: Tfjs, kernelName: string, inputName: string, kernelFunc: KernelConfig["kernelFunc"]): KernelConfig | undefined {
  return standIn(tf, kernelName, (stock) => (args) =>
    kernelInputInfo(kernelName, args.inputs, inputName).dtype === "string" ? stock.kernelFunc(args) : kernelFunc(args),
  );
}

export function sliceConfig(tf: Tfjs): KernelConfig | undefined {
  return heapStandIn(tf, "Slice", "x", ({ inputs, attrs, backend }) => {
    const x = kernelInputInfo("Slice", inputs, "x");
    const $attrs = kernelAttrs("Slice", attrs);
    const [begin, size] = tf.slice_util.parseSliceParams(x, $attrs.begin as number[], $attrs.size as number[]);
    return sliceOnHeap(tf, backend as BackendWasm, x, begin, size);
  });
}

export function unpackConfig(tf: Tfjs): KernelConfig | undefined {
  return heapStandIn(tf, "Unpack", "value", ({ inputs, attrs, backend }) => {
    const x = kernelInputInfo("Unpack", inputs, "value");
    const rank = x.shape.length;
    const axis = (((kernelAttrs("Unpack", attrs).axis as number) % rank) + rank) % rank;
    const size = x.shape.slice();
    size[axis] = 1;
    const outShape = x.shape.filter((_, d) => d !== axis);
    return Array.from({ length: x.shape[axis] }, (_, i) => {
      const begin = x.shape.map((_, d) => (d === axis ? i : 0));
      return { ...sliceOnHeap(tf, backend as BackendWasm, x, begin, size), shape: outShape };
    });
  });
}

export function splitVConfig(tf: Tfjs): KernelConfig | undefined {
  return heapStandIn(tf, "SplitV", "x", ({ inputs, attrs, backend }) => {
    const x = kernelInputInfo("SplitV", inputs, "x");
    const $attrs = kernelAttrs("SplitV", attrs);
    const axis = tf.util.parseAxisParam($attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, $attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((length) => {
      const size = x.shape.slice();
      size[axis] = length;
      const piece = sliceOnHeap(tf, backend as BackendWasm, x, begin, size);
      begin[axis] += length;
      return piece;
    });
  });
}
