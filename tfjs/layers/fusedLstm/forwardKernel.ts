// The forward pass of an LSTM over the whole sequence as one wasm kernel. The input projection x·W + b arrives
// precomputed for every step (one large matrix product before the kernel); per step the kernel adds h·U with the
// backend's XNNPACK product and runs the gate arithmetic in a JavaScript loop over heap views. It keeps what the
// backward kernel needs: the gate activations, tanh of the cell state, and the states each step started from.
//
// Layouts are batch-major, as the layer's input and output: xw and gates [batch, time, 4·units] (gates i, f, g, o,
// tfjs' order), the rest [batch, time, units]. A mask [batch, time] (1 or 0) keeps the previous states where 0, as
// tfjs' rnn() does. With withLastCell the output has one more step holding the last cell state (for returnState).
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { hardSigmoid, sigmoid, tanh, type RecurrentActivation } from "./gateActivations";
import { LSTM_FORWARD } from "./kernelNames";
import { HeapViews, heapMatMul } from "./wasmHeap";

export interface LstmKernelAttrs {
  recurrentActivation: RecurrentActivation;
  withLastCell: boolean;
}

function input(inputs: Record<string, TensorInfo | undefined>, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${LSTM_FORWARD}: missing input '${name}'`);
  return info;
}

export const lstmForwardConfig: KernelConfig = {
  kernelName: LSTM_FORWARD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const xw = input(inputs, "xw");
    const recurrentKernel = input(inputs, "recurrentKernel");
    const mask = inputs.mask;
    const { recurrentActivation, withLastCell } = attrs as unknown as LstmKernelAttrs;
    const [batch, steps, gateWidth] = xw.shape;
    const units = gateWidth / 4;
    const outSteps = steps + (withLastCell ? 1 : 0);
    const act = recurrentActivation === "sigmoid" ? sigmoid : hardSigmoid;

    const out = wasm.makeOutput([batch, outSteps, units], "float32");
    const hPrev = wasm.makeOutput([batch, steps, units], "float32");
    const cPrev = wasm.makeOutput([batch, steps, units], "float32");
    const gates = wasm.makeOutput([batch, steps, gateWidth], "float32");
    const tanhC = wasm.makeOutput([batch, steps, units], "float32");
    // h is the product's left operand, so it lives on the heap; c stays in JavaScript.
    const h = wasm.makeOutput([batch, units], "float32");
    const hU = wasm.makeOutput([batch, gateWidth], "float32");
    const c = new Float32Array(batch * units);
    // A copy in JavaScript: the mask is small and read as is.
    const maskValues = mask ? (wasm.typedArrayFromHeap(mask) as Float32Array).slice() : undefined;
    const heap = new HeapViews(wasm, { xw, out, hPrev, cPrev, gates, tanhC, h, hU });
    heap.views.h.fill(0);
    const multiplyRecurrent = heapMatMul(wasm, h, recurrentKernel, hU, batch, units, gateWidth);

    for (let t = 0; t < steps; t++) {
      // The first step starts from zero states: h·U is zero, and hU holds nothing yet.
      const recurrent = t > 0;
      if (recurrent) multiplyRecurrent();
      const v = heap.views;
      const [xwV, hUV, gatesV, hV, hPrevV, cPrevV, tanhCV, outV] = [v.xw, v.hU, v.gates, v.h, v.hPrev, v.cPrev, v.tanhC, v.out];
      for (let b = 0; b < batch; b++) {
        const keep = maskValues !== undefined && maskValues[b * steps + t] === 0;
        const zRow = (b * steps + t) * gateWidth;
        const hURow = b * gateWidth;
        const stateRow = b * units;
        const seqRow = (b * steps + t) * units;
        const outRow = (b * outSteps + t) * units;
        for (let j = 0; j < units; j++) {
          const zi = xwV[zRow + j] + (recurrent ? hUV[hURow + j] : 0);
          const zf = xwV[zRow + units + j] + (recurrent ? hUV[hURow + units + j] : 0);
          const zg = xwV[zRow + 2 * units + j] + (recurrent ? hUV[hURow + 2 * units + j] : 0);
          const zo = xwV[zRow + 3 * units + j] + (recurrent ? hUV[hURow + 3 * units + j] : 0);
          const i = act(zi);
          const f = act(zf);
          const g = tanh(zg);
          const o = act(zo);
          gatesV[zRow + j] = i;
          gatesV[zRow + units + j] = f;
          gatesV[zRow + 2 * units + j] = g;
          gatesV[zRow + 3 * units + j] = o;
          const cBefore = c[stateRow + j];
          const hBefore = hV[stateRow + j];
          cPrevV[seqRow + j] = cBefore;
          hPrevV[seqRow + j] = hBefore;
          const cNew = f * cBefore + i * g;
          const tc = tanh(cNew);
          tanhCV[seqRow + j] = tc;
          if (!keep) {
            c[stateRow + j] = cNew;
            hV[stateRow + j] = o * tc;
          }
          outV[outRow + j] = hV[stateRow + j];
        }
      }
    }
    if (withLastCell) {
      const outV = heap.views.out;
      for (let b = 0; b < batch; b++) outV.set(c.subarray(b * units, (b + 1) * units), (b * outSteps + steps) * units);
    }
    wasm.disposeData(h.dataId);
    wasm.disposeData(hU.dataId);
    return [out, hPrev, cPrev, gates, tanhC];
  },
};
