import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerWasmGradients } from "../tfjs/backends/wasmGradients";
import { FUSED_LSTM_KERNELS } from "../tfjs/layers/fusedLstm";
import { LSTM_FORWARD } from "../tfjs/layers/fusedLstm/kernelNames";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { startStudioKernel, streamText, stripAnsi } from "./support/studioKernel";
import { useWasmBackend } from "./support/wasmBackend";
import { values } from "./support/deterministicValues";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

// The fused LSTM against tfjs' own LSTM, both on wasm: the stock path is what the same layer does with the fused
// kernels unregistered. Forward outputs, the gradients of a weighted sum of the outputs with respect to the input and
// every weight, and a few adam steps must agree to 1e-4.

const TOLERANCE = 1e-4;

function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - e[i]));
  assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff} > ${TOLERANCE}`);
  // Guard against comparing two all-zero results.
  assert.ok(e.some((v) => Math.abs(v) > 1e-3), `${what}: the reference is all zeros`);
}

/** Runs f with tfjs' own LSTM: the fused kernels unregistered, so the layer falls back. */
function stock<T>(f: () => T): T {
  const configs = FUSED_LSTM_KERNELS.map((name) => tf.getKernel(name, "wasm"));
  for (const name of FUSED_LSTM_KERNELS) tf.unregisterKernel(name, "wasm");
  try {
    return f();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}

/** Whether running f calls the fused forward kernel. */
async function runsFused(f: () => tf.Tensor | tf.Tensor[]): Promise<boolean> {
  const profile = await tf.profile(() => f());
  return profile.kernels.some((kernel) => kernel.name === LSTM_FORWARD);
}

type LstmArgs = Parameters<typeof tf.layers.lstm>[0];

/** An LSTM layer built for [batch, steps, features] inputs, with deterministic weights of a useful size. */
function lstmLayer(args: LstmArgs, features: number, seed: number): tf.layers.Layer {
  const layer = tf.layers.lstm(args);
  // Built by a first call, as a model builds its layers: build() alone leaves the layer to build again.
  tf.tidy(() => layer.apply(tf.zeros([1, 1, features])) as tf.Tensor);
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values(w.size, seed + i, 0.5), w.shape)));
  return layer;
}

interface Results {
  outputs: tf.Tensor[];
  grads: tf.Tensor[];
}

/** The layer's outputs, and the gradients of a fixed weighted sum of them with respect to x and each weight. */
function forwardAndGradients(layer: tf.layers.Layer, x: tf.Tensor, mask?: tf.Tensor): Results {
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const apply = (input: tf.Tensor) => [layer.apply(input, mask ? { mask } : {}) as tf.Tensor | tf.Tensor[]].flat();
  const outputs = apply(x);
  const loss = (input: tf.Tensor) =>
    apply(input)
      .map((out, i) => tf.sum(tf.mul(out, tf.tensor(values(out.size, 100 + i), out.shape))))
      .reduce((a, b) => tf.add(a, b)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => loss(x));
  const dx = tf.grad(loss)(x);
  return { outputs, grads: [dx, ...weights.map((w) => grads[w.name])] };
}

function compare(fused: Results, reference: Results, what: string): void {
  assert.equal(fused.outputs.length, reference.outputs.length);
  fused.outputs.forEach((out, i) => assertClose(out, reference.outputs[i], `${what}: output ${i}`));
  const names = ["input", "kernel", "recurrentKernel", "bias"];
  fused.grads.forEach((g, i) => assertClose(g, reference.grads[i], `${what}: gradient of ${names[i]}`));
}

describe("fused LSTM on wasm", function () {
  this.timeout(120_000);

  before(async () => {
    await useWasmBackend();
    registerWasmGradients(tf);
  });
  after(async () => {
    await tf.setBackend("cpu");
  });

  const batch = 5;
  const steps = 7;
  const features = 6;
  const cases: { name: string; args: LstmArgs }[] = [
    { name: "last output (the defaults: tanh, hardSigmoid)", args: { units: 4 } },
    { name: "returnSequences", args: { units: 4, returnSequences: true } },
    { name: "sigmoid recurrent activation", args: { units: 3, recurrentActivation: "sigmoid", returnSequences: true } },
    { name: "goBackwards", args: { units: 4, goBackwards: true, returnSequences: true } },
    { name: "returnState", args: { units: 4, returnState: true } },
    { name: "returnState and returnSequences", args: { units: 4, returnState: true, returnSequences: true } },
    { name: "no bias", args: { units: 4, useBias: false } },
  ];
  for (const c of cases) {
    it(`${c.name}: forward and gradients match tfjs' LSTM`, async () => {
      const layer = lstmLayer(c.args, features, 1);
      const x = tf.tensor3d(values(batch * steps * features, 2, 2), [batch, steps, features]);
      assert.ok(await runsFused(() => layer.apply(x) as tf.Tensor), "the fused path runs");
      const fused = forwardAndGradients(layer, x);
      const reference = stock(() => forwardAndGradients(layer, x));
      compare(fused, reference, c.name);
    });
  }

  it("a mask (padded sequences) keeps the states, as tfjs' LSTM does", async () => {
    const layer = lstmLayer({ units: 4, returnSequences: true, returnState: true }, features, 3);
    const x = tf.tensor3d(values(batch * steps * features, 4, 2), [batch, steps, features]);
    // Leading and trailing padding, a gap, a row with no steps at all.
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 0, 0],
        [1, 0, 1, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0],
      ],
      [batch, steps],
      "bool",
    );
    assert.ok(await runsFused(() => layer.apply(x, { mask }) as tf.Tensor[]), "the fused path runs");
    compare(forwardAndGradients(layer, x, mask), stock(() => forwardAndGradients(layer, x, mask)), "masked");
  });

  describe("falls back to tfjs' LSTM where it does not cover the configuration", () => {
    const unsupported: { name: string; args: LstmArgs }[] = [
      { name: "dropout", args: { units: 4, dropout: 0.2 } },
      { name: "recurrentDropout", args: { units: 4, recurrentDropout: 0.2 } },
      { name: "another activation", args: { units: 4, activation: "relu" } },
      { name: "another recurrent activation", args: { units: 4, recurrentActivation: "tanh" } },
    ];
    for (const c of unsupported) {
      it(c.name, async () => {
        const layer = lstmLayer(c.args, features, 5);
        const x = tf.tensor3d(values(batch * steps * features, 6), [batch, steps, features]);
        assert.equal(await runsFused(() => layer.apply(x, { training: true }) as tf.Tensor), false);
      });
    }

    it("another backend", async () => {
      const layer = lstmLayer({ units: 4 }, features, 5);
      await tf.setBackend("cpu");
      try {
        const x = tf.tensor3d(values(batch * steps * features, 6), [batch, steps, features]);
        assert.equal(await runsFused(() => layer.apply(x) as tf.Tensor), false);
      } finally {
        await tf.setBackend("wasm");
      }
    });
  });

  /** An Embedding (padding id 0 masked) + LSTM + Dense text model with fixed weights. */
  function textModel(): tf.Sequential {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 9, maskZero: true }),
        tf.layers.lstm({ units: 6 }),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(values(w.size, 40 + i, 0.5), w.shape)));
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    return model;
  }

  function textData(): [tf.Tensor, tf.Tensor] {
    const count = 16;
    // Ids 1..29 with trailing padding of varied length.
    const ids = Array.from(values(count * 9, 50), (v, i) => (i % 9 < 9 - (Math.floor(i / 9) % 4) ? 1 + Math.floor((v + 1) * 14.5) : 0));
    return [tf.tensor2d(ids, [count, 9]), tf.oneHot(tf.tensor1d(Array.from({ length: count }, (_, n) => n % 3), "int32"), 3)];
  }

  it("training with adam (Embedding with maskZero) takes the same steps as tfjs' LSTM", async () => {
    const [x, y] = textData();
    const train = async (model: tf.Sequential) => {
      const losses: number[] = [];
      let tensors = 0;
      for (let step = 0; step < 4; step++) {
        losses.push((await model.trainOnBatch(x, y)) as number);
        if (step === 1) tensors = tf.memory().numTensors;
      }
      assert.equal(tf.memory().numTensors, tensors, "training leaks no tensors");
      return { losses, weights: model.getWeights() };
    };
    const fusedModel = textModel();
    assert.ok(await runsFused(() => fusedModel.predict(x)), "the fused path runs");
    const fused = await train(fusedModel);
    const configs = FUSED_LSTM_KERNELS.map((name) => tf.getKernel(name, "wasm"));
    FUSED_LSTM_KERNELS.forEach((name) => tf.unregisterKernel(name, "wasm"));
    const reference = await train(textModel()).finally(() => configs.forEach((config) => tf.registerKernel(config)));
    fused.losses.forEach((loss, i) => assert.ok(Math.abs(loss - reference.losses[i]) <= TOLERANCE, `loss ${i}: ${loss} vs ${reference.losses[i]}`));
    assert.ok(reference.losses[3] < reference.losses[0], "the reference learns");
    fused.weights.forEach((w, i) => assertClose(w, reference.weights[i], `weight ${i} after training`));
  });

  it("saves as tfjs' plain LSTM, and a loaded model takes the fused path", async () => {
    const model = textModel();
    const [x] = textData();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }));
    assert.ok(artifacts);
    const topology = artifacts.modelTopology as { config: { layers: { class_name: string }[] } };
    assert.deepEqual(topology.config.layers.map((l) => l.class_name), ["Embedding", "LSTM", "Dense"]);
    const lstmWeights = (artifacts.weightSpecs ?? []).map((spec) => spec.name).filter((name) => name.includes("lstm"));
    assert.deepEqual(lstmWeights.map((name) => name.split("/").slice(-1)[0]), ["kernel", "recurrent_kernel", "bias"]);

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assert.equal(loaded.layers[1].getClassName(), "LSTM");
    assert.ok(await runsFused(() => loaded.predict(x)), "the loaded model's LSTM is fused");
    const expected = stock(() => model.predict(x) as tf.Tensor);
    assertClose(loaded.predict(x) as tf.Tensor, expected, "loaded model's prediction");
  });

  it("a notebook cell's tf.layers.lstm takes the fused path in a kernel on wasm", async () => {
    const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "wasm" } });
    try {
      const result = await kernel.run(
        [
          `import * as tf from "@tensorflow/tfjs";`,
          `const layer = tf.layers.lstm({ units: 4 });`,
          `const profile = await tf.profile(() => layer.apply(tf.ones([2, 3, 5])) as tf.Tensor);`,
          `console.log(tf.getBackend(), layer.getClassName(), profile.kernels.some((k) => k.name === "${LSTM_FORWARD}"));`,
        ].join("\n"),
        { timeoutMs: 100_000 },
      );
      const content = result.reply.content as { status: string; ename?: string; evalue?: string; traceback?: string[] };
      assert.equal(content.status, "ok", `cell failed: ${content.ename}: ${content.evalue}\n${stripAnsi((content.traceback ?? []).join("\n"))}`);
      assert.equal(streamText(result).trim(), "wasm LSTM true");
    } finally {
      await kernel.stop();
    }
  });
});
