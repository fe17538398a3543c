// The forward pass of an LSTM over the whole sequence as one wasm kernel. The input projection x·W arrives
// precomputed for every step (one large matrix product before the kernel); per step the kernel adds h·U with the
// backend's XNNPACK product and runs the gate arithmetic in a JavaScript loop over heap views. It keeps what
// the backward kernel needs: the gate activations, tanh of the cell state, the cell state each step started from, and
// xh, each row's input and previous h side by side, so that the gradients of both weight matrices are one product.
//
// Layouts are time-major, so that a step's rows are contiguous: x [time, batch, features], xw and gates
// [time, batch, 4·units] (gates i, f, g, o, tfjs' order), xh [time·batch, features + units], the rest
// [time, batch, units]. A mask [time, batch] (1 or 0) keeps the previous states where 0, as
// tfjs' rnn() does. With withLastCell the output has one more step holding the last cell state (for returnState).
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { hardSigmoid, sigmoid, tanh, type RecurrentActivation } from "./gateActivations";
import { LSTM_FORWARD } from "./kernelNames";
import { HeapMatMul, HeapViews } from "../../backends/wasmHeap";

export interface LstmKernelAttrs {
  recurrentActivation: RecurrentActivation;
  withLastCell: boolean;
}

export function kernelInput(kernelName: string, inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernelName}: missing input '${name}'`);
  return info;
}

/** A small input copied into JavaScript (views of the heap would have to be taken again as it grows). */
export function copyOf(backend: BackendWasm, info: TensorInfo | undefined): Float32Array | undefined {
  return info && (backend.typedArrayFromHeap(info) as Float32Array).slice();
}

/** The rows of `from` (`width` wide) into the first columns of the rows of `to` (`toWidth` wide). */
function copyColumns(to: Float32Array, from: Float32Array, width: number, toWidth: number): void {
  for (let row = 0, end = from.length / width; row < end; row++) to.set(from.subarray(row * width, (row + 1) * width), row * toWidth);
}

interface ForwardStepArrays {
  xw: Float32Array;
  hU: Float32Array;
  gates: Float32Array;
  xh: Float32Array;
  cPrev: Float32Array;
  tanhC: Float32Array;
  out: Float32Array;
  c: Float32Array;
  mask: Float32Array | undefined;
}

/** One step's gate arithmetic: a function of its own, so that V8 optimizes it as soon as it is hot. */
function forwardStep(a: ForwardStepArrays, t: number, batch: number, units: number, features: number, sigmoidGates: boolean): void {
  const { xw, hU, gates, xh, cPrev, tanhC, out, c, mask } = a;
  const gateWidth = 4 * units;
  const rowSize = batch * units;
  const xhWidth = features + units;
  for (let b = 0; b < batch; b++) {
    const kept = mask !== undefined && mask[t * batch + b] === 0;
    const hURow = b * gateWidth;
    const zRow = t * batch * gateWidth + hURow;
    const stateRow = b * units;
    const seqRow = t * rowSize + stateRow;
    const previousRow = seqRow - rowSize;
    for (let j = 0; j < units; j++) {
      const zi = xw[zRow + j] + hU[hURow + j];
      const zf = xw[zRow + units + j] + hU[hURow + units + j];
      const zg = xw[zRow + 2 * units + j] + hU[hURow + 2 * units + j];
      const zo = xw[zRow + 3 * units + j] + hU[hURow + 3 * units + j];
      const i = sigmoidGates ? sigmoid(zi) : hardSigmoid(zi);
      const f = sigmoidGates ? sigmoid(zf) : hardSigmoid(zf);
      const g = tanh(zg);
      const o = sigmoidGates ? sigmoid(zo) : hardSigmoid(zo);
      gates[zRow + j] = i;
      gates[zRow + units + j] = f;
      gates[zRow + 2 * units + j] = g;
      gates[zRow + 3 * units + j] = o;
      const cBefore = c[stateRow + j];
      const hBefore = t > 0 ? out[previousRow + j] : 0;
      cPrev[seqRow + j] = cBefore;
      xh[(t * batch + b) * xhWidth + features + j] = hBefore;
      const cNew = f * cBefore + i * g;
      const tc = tanh(cNew);
      tanhC[seqRow + j] = tc;
      if (kept) {
        out[seqRow + j] = hBefore;
      } else {
        c[stateRow + j] = cNew;
        out[seqRow + j] = o * tc;
      }
    }
  }
}

export const lstmForwardConfig: KernelConfig = {
  kernelName: LSTM_FORWARD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const x = kernelInput(LSTM_FORWARD, inputs, "x");
    const xw = kernelInput(LSTM_FORWARD, inputs, "xw");
    const recurrentKernel = kernelInput(LSTM_FORWARD, inputs, "recurrentKernel");
    const { recurrentActivation, withLastCell } = attrs as unknown as LstmKernelAttrs;
    const [steps, batch, gateWidth] = xw.shape;
    const features = x.shape[2];
    const units = gateWidth / 4;
    const rowSize = batch * units;
    const mask = copyOf(wasm, inputs.mask);
    const sigmoidGates = recurrentActivation === "sigmoid";

    const out = wasm.makeOutput([steps + (withLastCell ? 1 : 0), batch, units], "float32");
    const xh = wasm.makeOutput([steps * batch, features + units], "float32");
    const cPrev = wasm.makeOutput([steps, batch, units], "float32");
    const gates = wasm.makeOutput([steps, batch, gateWidth], "float32");
    const tanhC = wasm.makeOutput([steps, batch, units], "float32");
    // h of the step before is the output's previous step, which the product reads in place; c stays in JavaScript.
    const hU = wasm.makeOutput([batch, gateWidth], "float32");
    const c = new Float32Array(rowSize);
    const heap = new HeapViews(wasm, { xw, out, xh, cPrev, gates, tanhC, hU });
    copyColumns(heap.views.xh, wasm.typedArrayFromHeap(x) as Float32Array, features, features + units);
    const recurrentProduct = new HeapMatMul(wasm, recurrentKernel, hU, batch, units, gateWidth);

    for (let t = 0; t < steps; t++) {
      // The first step starts from zero states: h·U is zero.
      if (t > 0) recurrentProduct.run(out, (t - 1) * batch);
      else heap.views.hU.fill(0);
      const v = heap.views;
      forwardStep({ ...v, c, mask }, t, batch, units, features, sigmoidGates);
    }
    if (withLastCell) heap.views.out.set(c, steps * rowSize);
    wasm.disposeData(hU.dataId);
    return [out, xh, cPrev, gates, tanhC];
  },
};
