import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { FUSED_CROSS_ENTROPY_KERNELS } from "../tfjs/losses/fusedCrossEntropy";
import { CROSS_ENTROPY, CROSS_ENTROPY_GRAD } from "../tfjs/losses/fusedCrossEntropy/kernels";
import { values } from "./support/deterministicValues";
import { assertClose, kernelNames, onWasmWithOurKernels, withoutKernels } from "./support/kernelComparison";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
const stock = <T>(f: () => T | Promise<T>) => withoutKernels(FUSED_CROSS_ENTROPY_KERNELS, f);

function classifier(loss: tf.ModelCompileArgs["loss"] = "categoricalCrossentropy"): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 8, activation: "relu", kernelInitializer: "glorotUniform", biasInitializer: "zeros" }), tf.layers.dense({ units: 4, activation: "softmax" })] });
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(values(w.size, 30 + i).map((v) => v * 0.5), w.shape)));
  model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ["accuracy"] });
  return model;
}
/** The loss function a compiled Sequential's training step calls: its inner LayersModel's. */
const lossOf = (model: tf.Sequential) => (model as unknown as { model: { lossFunctions: LossFunction[] } }).model.lossFunctions[0];

/** Rows of probabilities, some with entries tfjs clips (0, 1, below 1e-7), and labels one-hot and soft. */
function cases(): { yTrue: tf.Tensor2D; yPred: tf.Tensor2D } {
  const raw = Array.from(values(8 * 5, 40), (v) => Math.abs(v) + 0.01);
  raw.splice(0, 5, 0, 0, 1, 0, 0);
  raw.splice(5, 5, 1e-9, 0.3, 0.3, 0.2, 0.2);
  raw.splice(10, 5, 2, 6, 1, 1, 0);
  const yPred = tf.tensor2d(raw, [8, 5]);
  const labels = [2, 0, 1, 4, 3, 2, 1, 0];
  const yTrue = tf.tensor2d(labels.flatMap((label, row) => (row === 7 ? [0.5, 0.25, 0.25, 0, 0] : [0, 1, 2, 3, 4].map((c) => (c === label ? 1 : 0)))), [8, 5]);
  return { yTrue, yPred };
}

describe("fused categorical cross-entropy on wasm", function () {
  this.timeout(60_000);
  onWasmWithOurKernels();

  it("computes a compiled model's loss and its gradient with one kernel each while training", async () => {
    const model = classifier();
    const x = tf.tensor2d(values(16 * 6, 1), [16, 6]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], "int32"), 4);
    const names = await kernelNames(() => model.trainOnBatch(x, y));
    assert.ok(names.includes(CROSS_ENTROPY) && names.includes(CROSS_ENTROPY_GRAD), names.join(" "));
    assert.ok(!names.includes("ClipByValue") && !names.includes("Log"), "none of tfjs' loss kernels run");
  });

  it("gives tfjs' losses and gradients, clipped entries, unnormalised rows and soft labels included", async () => {
    const loss = lossOf(classifier());
    const { yTrue, yPred } = cases();
    const weights = tf.tensor1d(values(8, 41));
    const run = () => ({
      loss: loss(yTrue, yPred),
      gradient: tf.grad((p: tf.Tensor) => tf.sum(tf.mul(loss(yTrue, p), weights)))(yPred),
    });
    const fused = run();
    const expected = await stock(run);
    assertClose(fused.loss, expected.loss, "loss", 1e-6);
    assertClose(fused.gradient, expected.gradient, "gradient", 1e-5);
    assert.ok((await kernelNames(() => loss(yTrue, yPred))).includes(CROSS_ENTROPY));
  });

  it("trains as tfjs' loss does: the same losses, accuracies and weights after a few epochs", async () => {
    const x = tf.tensor2d(values(64 * 6, 2), [64, 6]);
    const y = tf.oneHot(tf.tensor1d(values(64, 3).map((v) => Math.floor(Math.abs(v) * 4) % 4), "int32"), 4);
    const fit = async () => {
      const model = classifier();
      const history = await model.fit(x, y, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
      return { history: history.history, weights: model.getWeights() };
    };
    const fused = await fit();
    const expected = await stock(fit);
    for (const key of ["loss", "acc"]) {
      const [got, want] = [fused.history[key] as number[], expected.history[key] as number[]];
      got.forEach((value, epoch) => assert.ok(Math.abs(value - want[epoch]) < 1e-5, `${key} at epoch ${epoch}: ${value} vs ${want[epoch]}`));
    }
    fused.weights.forEach((w, i) => assertClose(w, expected.weights[i], `weight ${i}`, 1e-5));
  });

  it("keeps tfjs' loss for other losses, other shapes and other backends, and tfjs' checks and saved config", async () => {
    const { yTrue, yPred } = cases();
    const runsFused = async (loss: LossFunction, t: tf.Tensor, p: tf.Tensor) => (await kernelNames(() => loss(t, p))).includes(CROSS_ENTROPY);
    assert.equal(await runsFused(lossOf(classifier("meanSquaredError")), yTrue, yPred), false);
    assert.equal(await runsFused(lossOf(classifier(["categoricalCrossentropy"])), yTrue, yPred), true, "the array form");
    assert.equal(await runsFused(lossOf(classifier()), yTrue.reshape([2, 4, 5]), yPred.reshape([2, 4, 5])), false, "rank 3 goes to tfjs");
    // tfjs' own message for labels that are not one-hot, and the loss a saved model records.
    const model = classifier();
    await assert.rejects(model.fit(tf.zeros([4, 6]), tf.zeros([4, 1]), { verbose: 0 }), /target expected a batch of elements where each example has shape \[4\]/);
    assert.equal(model.loss, "categoricalCrossentropy");
    await tf.setBackend("cpu");
    try {
      assert.equal(await runsFused(lossOf(classifier()), yTrue, yPred), false);
    } finally {
      await tf.setBackend("wasm");
    }
  });
});
