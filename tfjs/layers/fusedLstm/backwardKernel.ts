// The backward pass of the fused LSTM over the whole sequence as one wasm kernel: from the gradient of its output it
// returns the gradient of the gate pre-activations, dZ [batch, time, 4·units], walking the steps backwards. Per step
// the gradient reaching h from the next step is dZ_{t+1}·Uᵀ (the backend's XNNPACK product, with Uᵀ given); the rest
// is elementwise, from what the forward kernel kept. The weight and input gradients are then plain matrix products
// of dZ (see recurrence.ts): the kernel does only what must go step by step.
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { LstmKernelAttrs } from "./forwardKernel";
import { recurrentDerivative } from "./gateActivations";
import { LSTM_BACKWARD } from "./kernelNames";
import { HeapViews, heapMatMul } from "./wasmHeap";

function input(inputs: Record<string, TensorInfo | undefined>, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${LSTM_BACKWARD}: missing input '${name}'`);
  return info;
}

export const lstmBackwardConfig: KernelConfig = {
  kernelName: LSTM_BACKWARD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const dy = input(inputs, "dy");
    const recurrentKernelT = input(inputs, "recurrentKernelT");
    const gates = input(inputs, "gates");
    const tanhC = input(inputs, "tanhC");
    const cPrev = input(inputs, "cPrev");
    const mask = inputs.mask;
    const { recurrentActivation, withLastCell } = attrs as unknown as LstmKernelAttrs;
    const [batch, steps, gateWidth] = gates.shape;
    const units = gateWidth / 4;
    const dySteps = steps + (withLastCell ? 1 : 0);

    const dZ = wasm.makeOutput([batch, steps, gateWidth], "float32");
    // This step's dZ, contiguous, as the left operand of the product that carries it to the previous step's h.
    const dZStep = wasm.makeOutput([batch, gateWidth], "float32");
    const dhRecurrent = wasm.makeOutput([batch, units], "float32");
    const maskValues = mask ? (wasm.typedArrayFromHeap(mask) as Float32Array).slice() : undefined;
    const heap = new HeapViews(wasm, { dy, gates, tanhC, cPrev, dZ, dZStep, dhRecurrent });
    const carryToPrevious = heapMatMul(wasm, dZStep, recurrentKernelT, dhRecurrent, batch, gateWidth, units);
    // The gradients reaching c and (for masked steps) h of the step before, besides dZ·Uᵀ.
    const dc = new Float32Array(batch * units);
    const dhKept = new Float32Array(batch * units);
    if (withLastCell) {
      const dyV = heap.views.dy;
      for (let b = 0; b < batch; b++) dc.set(dyV.subarray((b * dySteps + steps) * units, (b * dySteps + steps + 1) * units), b * units);
    }

    for (let t = steps - 1; t >= 0; t--) {
      const recurrent = t < steps - 1;
      if (recurrent) carryToPrevious();
      const v = heap.views;
      const [dyV, gatesV, tanhCV, cPrevV, dZV, dZStepV, dhRecurrentV] = [v.dy, v.gates, v.tanhC, v.cPrev, v.dZ, v.dZStep, v.dhRecurrent];
      for (let b = 0; b < batch; b++) {
        const kept = maskValues !== undefined && maskValues[b * steps + t] === 0;
        const zRow = (b * steps + t) * gateWidth;
        const stepRow = b * gateWidth;
        const stateRow = b * units;
        const seqRow = (b * steps + t) * units;
        const dyRow = (b * dySteps + t) * units;
        for (let j = 0; j < units; j++) {
          const dh = dyV[dyRow + j] + (recurrent ? dhRecurrentV[stateRow + j] : 0) + dhKept[stateRow + j];
          if (kept) {
            // The step kept the previous states: their gradients pass through, the gates get none.
            dhKept[stateRow + j] = dh;
            dZV[zRow + j] = dZV[zRow + units + j] = dZV[zRow + 2 * units + j] = dZV[zRow + 3 * units + j] = 0;
            dZStepV[stepRow + j] = dZStepV[stepRow + units + j] = dZStepV[stepRow + 2 * units + j] = dZStepV[stepRow + 3 * units + j] = 0;
            continue;
          }
          dhKept[stateRow + j] = 0;
          const i = gatesV[zRow + j];
          const f = gatesV[zRow + units + j];
          const g = gatesV[zRow + 2 * units + j];
          const o = gatesV[zRow + 3 * units + j];
          const tc = tanhCV[seqRow + j];
          const dcNew = dc[stateRow + j] + dh * o * (1 - tc * tc);
          dc[stateRow + j] = dcNew * f;
          const dzi = dcNew * g * recurrentDerivative(recurrentActivation, i);
          const dzf = dcNew * cPrevV[seqRow + j] * recurrentDerivative(recurrentActivation, f);
          const dzg = dcNew * i * (1 - g * g);
          const dzo = dh * tc * recurrentDerivative(recurrentActivation, o);
          dZV[zRow + j] = dZStepV[stepRow + j] = dzi;
          dZV[zRow + units + j] = dZStepV[stepRow + units + j] = dzf;
          dZV[zRow + 2 * units + j] = dZStepV[stepRow + 2 * units + j] = dzg;
          dZV[zRow + 3 * units + j] = dZStepV[stepRow + 3 * units + j] = dzo;
        }
      }
    }
    wasm.disposeData(dZStep.dataId);
    wasm.disposeData(dhRecurrent.dataId);
    return dZ;
  },
};
