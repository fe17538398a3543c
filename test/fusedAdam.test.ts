import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { FUSED_ADAM_KERNELS } from "../tfjs/optimizers/fusedAdam";
import { ADAM_UPDATE } from "../tfjs/optimizers/fusedAdam/updateKernel";
import { values } from "./support/deterministicValues";
import { assertClose as assertCloseWithin, kernelNames, onWasmWithOurKernels, withoutKernels } from "./support/kernelComparison";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

// The fused Adam against tfjs' own Adam, both on wasm: the stock path is what the same optimizer does with the fused
// kernel unregistered. The fused update rounds as tfjs' kernels do, so values agree to far better than 1e-6.

const TOLERANCE = 1e-6;

const assertClose = (actual: tf.Tensor, expected: tf.Tensor, what: string) => assertCloseWithin(actual, expected, what, TOLERANCE);
/** Runs f with tfjs' own code: the fused kernels unregistered. */
const stock = <T>(f: () => T | Promise<T>) => withoutKernels(FUSED_ADAM_KERNELS, f);

const SHAPES = [[9, 5], [5], [3, 2, 4]];

function variables(seed: number): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape), seed + i), shape)));
}

function gradients(vars: tf.Variable[], step: number): { name: string; tensor: tf.Tensor }[] {
  return vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(values(v.size, 100 * step + i + 7, 0.1 * (i + 1)), v.shape) }));
}

/** Variables after `steps` Adam steps with fixed gradients, and the optimizer's saved state. */
async function adamSteps(steps: number): Promise<{ vars: tf.Variable[]; state: { name: string; tensor: tf.Tensor }[] }> {
  const vars = variables(1);
  const adam = tf.train.adam(0.02);
  for (let step = 0; step < steps; step++) {
    const grads = gradients(vars, step);
    adam.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
  }
  return { vars, state: await adam.getWeights() };
}

/** A small dense classifier with fixed weights, compiled with adam. */
function denseModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [6], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })],
  });
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(values(w.size, 20 + i, 0.5), w.shape)));
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  return model;
}

function denseData(): [tf.Tensor, tf.Tensor] {
  const count = 16;
  return [tf.tensor2d(values(count * 6, 30), [count, 6]), tf.oneHot(tf.tensor1d(Array.from({ length: count }, (_, n) => n % 3), "int32"), 3)];
}

describe("fused Adam on wasm", function () {
  this.timeout(60_000);

  onWasmWithOurKernels();

  it("updates all variables with one kernel, as tfjs' Adam does over several steps", async () => {
    const vars = variables(1);
    const grads = gradients(vars, 0);
    const adam = tf.train.adam();
    // The first step makes the moments (ZerosLike); each step after is one kernel.
    adam.applyGradients(grads);
    assert.deepEqual(await kernelNames(() => adam.applyGradients(grads)), [ADAM_UPDATE]);

    const fused = await adamSteps(5);
    const reference = await stock(() => adamSteps(5));
    fused.vars.forEach((v, i) => assertClose(v, reference.vars[i], `variable ${i}`));
    // The saved state: iterations, then the first moments, then the second, named as tfjs names them.
    const stateNames = ({ vars }: { vars: tf.Variable[] }) => ["iter", ...vars.map((v) => `${v.name}/m`), ...vars.map((v) => `${v.name}/v`)];
    assert.deepEqual(fused.state.map((w) => w.name), stateNames(fused));
    assert.deepEqual(reference.state.map((w) => w.name), stateNames(reference));
    fused.state.forEach((w, i) => assertClose(w.tensor, reference.state[i].tensor, w.name));
  });

  it("training a model takes the same steps as tfjs' Adam, leaking no tensors", async () => {
    const [x, y] = denseData();
    const train = async (model: tf.Sequential) => {
      const losses: number[] = [];
      let tensors = 0;
      for (let step = 0; step < 5; step++) {
        losses.push((await model.trainOnBatch(x, y)) as number);
        if (step === 1) tensors = tf.memory().numTensors;
      }
      assert.equal(tf.memory().numTensors, tensors, "training leaks no tensors");
      return { losses, weights: model.getWeights() };
    };
    const fusedModel = denseModel();
    assert.ok((await kernelNames(() => fusedModel.trainOnBatch(x, y))).includes(ADAM_UPDATE), "the fused update runs");
    const fused = await train(fusedModel);
    const referenceModel = denseModel();
    await stock(() => referenceModel.trainOnBatch(x, y));
    const reference = await stock(() => train(referenceModel));
    assert.ok(reference.losses[4] < reference.losses[0], "the reference learns");
    fused.losses.forEach((loss, i) => assert.ok(Math.abs(loss - reference.losses[i]) <= TOLERANCE, `loss ${i}: ${loss} vs ${reference.losses[i]}`));
    fused.weights.forEach((w, i) => assertClose(w, reference.weights[i], `weight ${i}`));
  });

  it("a matrix product with an updated weight sees its new values, not XNNPACK's packed copy of the old", () => {
    const [w] = variables(3);
    const a = tf.tensor2d(values(4 * 9, 4), [4, 9]);
    // Packs w into a cached operator.
    tf.matMul(a, w).dispose();
    const grads = gradients([w], 0);
    tf.train.adam(0.1).applyGradients(grads);
    assertClose(tf.matMul(a, w), tf.matMul(a, tf.tensor(w.dataSync(), w.shape)), "product after the step");
  });

  it("leaves tensors that share a variable's data as they were", async () => {
    const initial = tf.tensor(values(45, 5), [9, 5]);
    const w = tf.variable(initial);
    const before = initial.dataSync().slice();
    const clone = tf.clone(w);
    const grads = gradients([w], 0);
    tf.train.adam(0.1).applyGradients(grads);
    assert.deepEqual(initial.dataSync(), before, "the tensor the variable was made from");
    assert.deepEqual(clone.dataSync(), before, "a clone taken before the step");
    assert.notDeepEqual(w.dataSync(), before, "the variable moved");
  });

  it("restored optimizer state (setWeights, as loading a model with its optimizer does) trains on as tfjs' Adam", async () => {
    const resume = async () => {
      const saved = await adamSteps(3);
      const adam = tf.train.adam(0.02);
      const state = saved.state.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
      await adam.setWeights(state);
      const kept = state.map(({ tensor }) => tensor.dataSync().slice());
      const grads = gradients(saved.vars, 3);
      adam.applyGradients(grads);
      state.forEach(({ tensor }, i) => assert.deepEqual(tensor.dataSync(), kept[i], "the tensors given to setWeights"));
      return { vars: saved.vars, state: await adam.getWeights() };
    };
    const fused = await resume();
    const reference = await stock(resume);
    fused.vars.forEach((v, i) => assertClose(v, reference.vars[i], `variable ${i}`));
    fused.state.forEach((w, i) => assertClose(w.tensor, reference.state[i].tensor, w.name));
  });

  it("falls back to tfjs' Adam on another backend", async () => {
    await tf.setBackend("cpu");
    try {
      const vars = variables(1);
      const grads = gradients(vars, 0);
      assert.ok(!(await kernelNames(() => tf.train.adam().applyGradients(grads))).includes(ADAM_UPDATE));
    } finally {
      await tf.setBackend("wasm");
    }
  });
});
