import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { DENSE_BACKWARD, DENSE_FORWARD, FUSED_DENSE_KERNELS } from "../tfjs/layers/fusedDense/kernels";
import { values } from "./support/deterministicValues";
import { assertClose as assertCloseWithin, kernelNames, onWasmWithOurKernels, withoutKernels } from "./support/kernelComparison";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

// The fused Dense against tfjs' own Dense, both on wasm: the stock path is what the same layer does with the fused
// kernels unregistered. XNNPACK adds the bias before the products where tfjs adds it after, so values agree to
// rounding, not to the bit.

const TOLERANCE = 1e-5;

const assertClose = (actual: tf.Tensor, expected: tf.Tensor, what: string) => assertCloseWithin(actual, expected, what, TOLERANCE);
/** Runs f with tfjs' own code: the fused kernels unregistered. */
const stock = <T>(f: () => T | Promise<T>) => withoutKernels(FUSED_DENSE_KERNELS, f);

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** A Dense layer built for [rows, 7] inputs, with deterministic weights (biases too, which start at zero). */
function denseLayer(args: DenseArgs, seed: number): tf.layers.Layer {
  const layer = tf.layers.dense(args);
  tf.tidy(() => layer.apply(tf.zeros([1, 7])) as tf.Tensor);
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values(w.size, seed + i, 0.5), w.shape)));
  return layer;
}

/** The layer's output for x, and the gradients of a weighted sum of it with respect to x and each weight. */
function forwardAndGradients(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor[] {
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const output = layer.apply(x) as tf.Tensor;
  const weighting = tf.tensor(values(output.size, 9), output.shape);
  const loss = (input: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(layer.apply(input) as tf.Tensor, weighting));
  const inputGrad = tf.grad(loss)(x);
  const { grads } = tf.variableGrads(() => loss(x), weights);
  return [output, inputGrad, ...weights.map((w) => grads[w.name])];
}

describe("fused Dense on wasm", function () {
  this.timeout(60_000);

  onWasmWithOurKernels();

  const x = () => tf.tensor2d(values(5 * 7, 3), [5, 7]);
  const cases: { name: string; args: DenseArgs }[] = [
    { name: "relu", args: { units: 6, activation: "relu" } },
    { name: "linear", args: { units: 6 } },
    { name: "softmax (applied after a linear kernel)", args: { units: 4, activation: "softmax" } },
    { name: "no bias", args: { units: 6, activation: "relu", useBias: false } },
  ];
  for (const c of cases) {
    it(`${c.name}: output and gradients match tfjs' Dense`, async () => {
      const layer = denseLayer(c.args, 1);
      const kernels = await kernelNames(() => forwardAndGradients(layer, x()));
      assert.ok(kernels.includes(DENSE_FORWARD) && kernels.includes(DENSE_BACKWARD), "the fused kernels run");
      const fused = forwardAndGradients(layer, x());
      const reference = await stock(() => forwardAndGradients(layer, x()));
      ["output", "input gradient", "kernel gradient", "bias gradient"].slice(0, fused.length).forEach((what, i) => assertClose(fused[i], reference[i], what));
    });
  }

  it("the backward kernel runs no product for an input that needs no gradient", async () => {
    const layer = denseLayer({ units: 6, activation: "relu" }, 2);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const input = x();
    const kernels = await kernelNames(() => tf.variableGrads(() => tf.sum<tf.Scalar>(layer.apply(input) as tf.Tensor), weights).value);
    assert.equal(kernels.filter((name) => name === "BatchMatMul").length, 1, "the kernel gradient's product only");
  });

  it("falls back to tfjs' Dense for inputs of rank 3 and on another backend", async () => {
    const layer = denseLayer({ units: 6, activation: "relu" }, 3);
    const rank3 = tf.tensor3d(values(2 * 3 * 7, 4), [2, 3, 7]);
    assert.ok(!(await kernelNames(() => layer.apply(rank3))).includes(DENSE_FORWARD));
    await tf.setBackend("cpu");
    try {
      assert.ok(!(await kernelNames(() => layer.apply(tf.tensor2d(values(5 * 7, 3), [5, 7])))).includes(DENSE_FORWARD));
    } finally {
      await tf.setBackend("wasm");
    }
  });

  it("a model trains as with tfjs' Dense, leaking no tensors, and saves as a plain Dense", async () => {
    const build = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [7], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })] });
      model.setWeights(model.getWeights().map((w, i) => tf.tensor(values(w.size, 20 + i, 0.5), w.shape)));
      model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
      return model;
    };
    const data = [tf.tensor2d(values(16 * 7, 5), [16, 7]), tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, n) => n % 3), "int32"), 3)];
    const train = async (model: tf.Sequential) => {
      const losses: number[] = [];
      let tensors = 0;
      for (let step = 0; step < 4; step++) {
        losses.push((await model.trainOnBatch(data[0], data[1])) as number);
        if (step === 1) tensors = tf.memory().numTensors;
      }
      assert.equal(tf.memory().numTensors, tensors, "training leaks no tensors");
      return { losses, weights: model.getWeights() };
    };
    const fusedModel = build();
    const fused = await train(fusedModel);
    const reference = await stock(() => train(build()));
    assert.ok(reference.losses[3] < reference.losses[0], "the reference learns");
    fused.losses.forEach((loss, i) => assert.ok(Math.abs(loss - reference.losses[i]) <= TOLERANCE, `loss ${i}: ${loss} vs ${reference.losses[i]}`));
    fused.weights.forEach((w, i) => assertClose(w, reference.weights[i], `weight ${i}`));
    const topology = fusedModel.toJSON(undefined, false) as { config: { layers: { class_name: string }[] } };
    assert.deepEqual(topology.config.layers.map((l) => l.class_name), ["Dense", "Dense"]);
  });
});
