import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { DROPOUT } from "../tfjs/layers/fusedDropout/kernel";
import { values } from "./support/deterministicValues";
import { kernelNames, onWasmWithOurKernels } from "./support/kernelComparison";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

// The fused dropout draws other random numbers than tfjs' dropout, so it is checked for what dropout is: while
// training, each element kept with probability 1 - rate and scaled by 1 / (1 - rate), or zeroed, and a gradient that
// passes through the kept elements only, scaled alike.

describe("fused dropout on wasm", function () {
  this.timeout(60_000);
  onWasmWithOurKernels();

  const rate = 0.3;
  const scale = Math.fround(1 / (1 - rate));
  const x = () => tf.tensor2d(values(100 * 100, 1), [100, 100]);

  it("while training, keeps each element with probability 1 - rate, scaled, and zeroes the rest", async () => {
    const layer = tf.layers.dropout({ rate });
    assert.deepEqual(await kernelNames(() => layer.apply(x(), { training: true })), [DROPOUT]);
    const input = x().dataSync();
    const output = (layer.apply(x(), { training: true }) as tf.Tensor).dataSync();
    let kept = 0;
    output.forEach((value, i) => {
      if (value === 0) return;
      kept++;
      assert.equal(value, Math.fround(input[i] * scale), `element ${i}`);
    });
    assert.ok(Math.abs(kept / output.length - (1 - rate)) < 0.02, `kept ${kept} of ${output.length}`);
    const again = (layer.apply(x(), { training: true }) as tf.Tensor).dataSync();
    assert.ok(again.some((value, i) => (value === 0) !== (output[i] === 0)), "each call draws a new mask");
  });

  it("the gradient passes through the kept elements only, scaled", () => {
    const layer = tf.layers.dropout({ rate });
    const input = x();
    const weighting = tf.tensor2d(values(100 * 100, 2), [100, 100]);
    let output: tf.Tensor | undefined;
    const grad = tf.grad((v: tf.Tensor) => {
      output = tf.keep(layer.apply(v, { training: true }) as tf.Tensor);
      return tf.sum(tf.mul(output, weighting));
    })(input);
    const [kept, g, w] = [tf.notEqual(output as tf.Tensor, 0).dataSync(), grad.dataSync(), weighting.dataSync()];
    g.forEach((value, i) => assert.equal(value, Math.fround(w[i] * (kept[i] ? scale : 0)), `gradient ${i}`));
  });

  it("falls back to tfjs' dropout in inference, for a seed, a noise shape and on another backend", async () => {
    const runsFused = async (layer: tf.layers.Layer, training = true) => (await kernelNames(() => layer.apply(x(), { training }))).includes(DROPOUT);
    assert.equal(await runsFused(tf.layers.dropout({ rate }), false), false);
    assert.deepEqual((tf.layers.dropout({ rate }).apply(x()) as tf.Tensor).dataSync(), x().dataSync(), "inference passes the input through");
    assert.equal(await runsFused(tf.layers.dropout({ rate, seed: 7 })), false);
    assert.equal(await runsFused(tf.layers.dropout({ rate, noiseShape: [1, 100] })), false);
    await tf.setBackend("cpu");
    try {
      assert.equal(await runsFused(tf.layers.dropout({ rate })), false);
    } finally {
      await tf.setBackend("wasm");
    }
  });

  it("a model with dropout trains, leaking no tensors", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [7], units: 16, activation: "relu" }), tf.layers.dropout({ rate }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    const xs = tf.tensor2d(values(32 * 7, 3), [32, 7]);
    const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, n) => n % 3), "int32"), 3);
    assert.ok((await kernelNames(() => model.trainOnBatch(xs, ys))).includes(DROPOUT), "training takes the fused path");
    const tensors = tf.memory().numTensors;
    const history = await model.fit(xs, ys, { epochs: 20, batchSize: 8, verbose: 0 });
    assert.equal(tf.memory().numTensors, tensors, "training leaks no tensors");
    const losses = history.history.loss as number[];
    assert.ok(losses[losses.length - 1] < losses[0], `the loss falls: ${losses[0]} to ${losses[losses.length - 1]}`);
  });
});
