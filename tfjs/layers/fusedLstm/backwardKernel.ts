// The backward pass of the fused LSTM over the whole sequence as one wasm kernel: from the gradient of its output it
// returns the gradients of the gate pre-activations, dZ [time, batch, 4·units] (and transposed), and of the bias (dZ summed over steps
// and rows), walking the steps backwards. Per step the gradient reaching h from the next step is dZ_{t+1}·Uᵀ (the
// backend's XNNPACK product, with Uᵀ given); the rest is elementwise, from what the forward kernel kept. The weight
// and input gradients are then plain matrix products of dZ (see recurrence.ts): the kernel does only what must go
// step by step.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { copyOf, kernelInput, type LstmKernelAttrs } from "./forwardKernel";
import { LSTM_BACKWARD } from "./kernelNames";
import { HeapMatMul, HeapViews } from "../../backends/wasmHeap";

interface BackwardStepArrays {
  dy: Float32Array;
  gates: Float32Array;
  tanhC: Float32Array;
  cPrev: Float32Array;
  dZ: Float32Array;
  dZT: Float32Array;
  dhRecurrent: Float32Array;
  dc: Float32Array;
  dhKept: Float32Array;
  biasSum: Float64Array;
  mask: Float32Array | undefined;
}

/**
 * One step back: dZ_t from the gradients reaching h_t and c_t; leaves in dc (and dhKept) what reaches the step before.
 * A function of its own, so that V8 optimizes it as soon as it is hot.
 */
function backwardStep(a: BackwardStepArrays, t: number, batch: number, units: number, sigmoidGates: boolean, recurrent: boolean): void {
  const { dy, gates, tanhC, cPrev, dZ, dZT, dhRecurrent, dc, dhKept, biasSum, mask } = a;
  const gateWidth = 4 * units;
  const rowSize = batch * units;
  const rows = dZT.length / gateWidth;
  for (let b = 0; b < batch; b++) {
    const kept = mask !== undefined && mask[t * batch + b] === 0;
    const zRow = (t * batch + b) * gateWidth;
    const stateRow = b * units;
    const seqRow = t * rowSize + stateRow;
    if (kept) {
      // The step kept the previous states: their gradients pass through, the gates get none.
      for (let j = 0; j < units; j++) dhKept[stateRow + j] += dy[seqRow + j] + (recurrent ? dhRecurrent[stateRow + j] : 0);
      dZ.fill(0, zRow, zRow + gateWidth);
      for (let k = 0; k < gateWidth; k++) dZT[k * rows + t * batch + b] = 0;
      continue;
    }
    for (let j = 0; j < units; j++) {
      const dh = dy[seqRow + j] + (recurrent ? dhRecurrent[stateRow + j] : 0) + dhKept[stateRow + j];
      dhKept[stateRow + j] = 0;
      const i = gates[zRow + j];
      const f = gates[zRow + units + j];
      const g = gates[zRow + 2 * units + j];
      const o = gates[zRow + 3 * units + j];
      const tc = tanhC[seqRow + j];
      const dcNew = dc[stateRow + j] + dh * o * (1 - tc * tc);
      dc[stateRow + j] = dcNew * f;
      // The derivatives from the activations: hardSigmoid's is 0.2 inside its clip (tfjs' clip gradient counts the
      // bounds as inside; from the clipped output an input exactly on a bound reads as outside), sigmoid's a·(1−a).
      const dzi = dcNew * g * (sigmoidGates ? i * (1 - i) : i > 0 && i < 1 ? 0.2 : 0);
      const dzf = dcNew * cPrev[seqRow + j] * (sigmoidGates ? f * (1 - f) : f > 0 && f < 1 ? 0.2 : 0);
      const dzg = dcNew * i * (1 - g * g);
      const dzo = dh * tc * (sigmoidGates ? o * (1 - o) : o > 0 && o < 1 ? 0.2 : 0);
      dZ[zRow + j] = dzi;
      dZ[zRow + units + j] = dzf;
      dZ[zRow + 2 * units + j] = dzg;
      dZ[zRow + 3 * units + j] = dzo;
      const column = j * rows + t * batch + b;
      dZT[column] = dzi;
      dZT[column + units * rows] = dzf;
      dZT[column + 2 * units * rows] = dzg;
      dZT[column + 3 * units * rows] = dzo;
      biasSum[j] += dzi;
      biasSum[units + j] += dzf;
      biasSum[2 * units + j] += dzg;
      biasSum[3 * units + j] += dzo;
    }
  }
}

export const lstmBackwardConfig: KernelConfig = {
  kernelName: LSTM_BACKWARD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const dy = kernelInput(LSTM_BACKWARD, inputs, "dy");
    const recurrentKernelT = kernelInput(LSTM_BACKWARD, inputs, "recurrentKernelT");
    const gates = kernelInput(LSTM_BACKWARD, inputs, "gates");
    const tanhC = kernelInput(LSTM_BACKWARD, inputs, "tanhC");
    const cPrev = kernelInput(LSTM_BACKWARD, inputs, "cPrev");
    const mask = copyOf(wasm, inputs.mask);
    const { recurrentActivation, withLastCell } = attrs as unknown as LstmKernelAttrs;
    const [steps, batch, gateWidth] = gates.shape;
    const units = gateWidth / 4;
    const rowSize = batch * units;
    const sigmoidGates = recurrentActivation === "sigmoid";

    const dZ = wasm.makeOutput([steps, batch, gateWidth], "float32");
    // dZ transposed as well, [4·units, time·batch]: the left operand of the weight gradients' product. As the right
    // one, XNNPACK would repack all of dZ for every batch, which costs more than the product.
    const dZT = wasm.makeOutput([gateWidth, steps * batch], "float32");
    const dBias = wasm.makeOutput([gateWidth], "float32");
    // This step's dZ·Uᵀ, the gradient carried to the previous step's h.
    const dhRecurrent = wasm.makeOutput([batch, units], "float32");
    const heap = new HeapViews(wasm, { dy, gates, tanhC, cPrev, dZ, dZT, dhRecurrent });
    // The gradients reaching c and (for masked steps) h of the step before, besides dZ·Uᵀ.
    const dc = withLastCell ? heap.views.dy.slice(steps * rowSize, (steps + 1) * rowSize) : new Float32Array(rowSize);
    const dhKept = new Float32Array(rowSize);
    const biasSum = new Float64Array(gateWidth);
    const carryProduct = new HeapMatMul(wasm, recurrentKernelT, dhRecurrent, batch, gateWidth, units);

    for (let t = steps - 1; t >= 0; t--) {
      const recurrent = t < steps - 1;
      // dZ_{t+1}'s rows are contiguous (time-major): the product reads them in place.
      if (recurrent) carryProduct.run(dZ, (t + 1) * batch);
      const v = heap.views;
      backwardStep({ ...v, dc, dhKept, biasSum, mask }, t, batch, units, sigmoidGates, recurrent);
    }
    (wasm.typedArrayFromHeap(dBias) as Float32Array).set(biasSum);
    wasm.disposeData(dhRecurrent.dataId);
    return [dZ, dZT, dBias];
  },
};
