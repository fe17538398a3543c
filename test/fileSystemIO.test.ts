// file:// save and load without tfjs-node: tfjs-node's format (model.json + weights.bin), round
// trips on wasm and cpu, paths relative to the notebook folder, and clear errors.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerFileSystemIO } from "../tfjs/io/fileSystemIO";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { resultText, startStudioKernel, tempDir } from "./support/studioKernel";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

function tinyModel(): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })] });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

describe("file:// IO handler", function () {
  this.timeout(60_000);
  let baseDir: string;
  before(async () => {
    baseDir = tempDir("tfjs-fileio-");
    registerFileSystemIO(tf, baseDir);
    // Each test can run alone; the round trips choose their own backend.
    await tf.setBackend("cpu");
  });
  after(() => fs.rmSync(baseDir, { recursive: true, force: true }));

  for (const backend of ["wasm", "cpu"]) {
    it(`saves and reloads a trained model on ${backend}, with equal predictions`, async () => {
      assert.equal(await tf.setBackend(backend), true);
      const model = tinyModel();
      const xs = tf.randomNormal([32, 4], 0, 1, "float32", 1);
      const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), "int32"), 3);
      await model.fit(xs, ys, { epochs: 2, verbose: 0 });
      // Relative to the notebook folder, into directories that do not exist yet.
      const result = await model.save(`file://models/${backend}/tiny`, { includeOptimizer: backend === "cpu" });
      assert.ok(result.modelArtifactsInfo.weightDataBytes! > 0);
      const dir = path.join(baseDir, "models", backend, "tiny");
      assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", "weights.bin"]);

      // tfjs-node's layout: one weights group named weights.bin, the topology, the training config.
      const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
      assert.equal(json.format, "layers-model");
      assert.deepEqual(json.weightsManifest.map((group: { paths: string[] }) => group.paths), [["weights.bin"]]);
      const savedNames: string[] = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
      assert.deepEqual(savedNames.slice(0, model.weights.length), model.weights.map((w) => w.originalName ?? w.name));
      assert.equal(json.modelTopology.class_name, "Sequential");
      const modelBytes = (4 * 8 + 8 + 8 * 3 + 3) * 4;
      if (backend === "cpu") {
        assert.equal(json.trainingConfig.loss, "categorical_crossentropy");
        assert.ok(fs.statSync(path.join(dir, "weights.bin")).size > modelBytes, "the optimizer's weights are saved too");
      } else {
        assert.equal(json.trainingConfig, undefined);
        assert.equal(fs.statSync(path.join(dir, "weights.bin")).size, modelBytes);
      }

      const reloaded = await tf.loadLayersModel(`file://models/${backend}/tiny/model.json`);
      const before = model.predict(xs) as tf.Tensor;
      const after = reloaded.predict(xs) as tf.Tensor;
      assert.deepEqual(Array.from(after.dataSync()), Array.from(before.dataSync()));
      // The directory works too, and an absolute file:/// path.
      const fromDir = await tf.loadLayersModel(`file://${dir}`);
      assert.deepEqual(Array.from((fromDir.predict(xs) as tf.Tensor).dataSync()), Array.from(before.dataSync()));
      tf.dispose([xs, ys, before, after]);
    });
  }

  it("says clearly what is wrong with a path", async () => {
    await assert.rejects(tf.loadLayersModel("file://nowhere/model.json"), /Cannot load file:\/\/.*nowhere\/model\.json: no such file\. Give the path of a model\.json written by model\.save\("file:\/\/DIR"\)/);
    fs.mkdirSync(path.join(baseDir, "empty"));
    await assert.rejects(tf.loadLayersModel("file://empty"), /it is a directory without a model\.json/);
    fs.writeFileSync(path.join(baseDir, "broken.json"), "{ not json");
    await assert.rejects(tf.loadLayersModel("file://broken.json"), /broken\.json: it is not valid JSON/);
    fs.writeFileSync(path.join(baseDir, "a-file"), "");
    await assert.rejects(tinyModel().save("file://a-file"), /Cannot save to file:\/\/.*a-file: it is a file\. Give a directory/);
    await tinyModel().save("file://lost-weights");
    fs.rmSync(path.join(baseDir, "lost-weights", "weights.bin"));
    await assert.rejects(tf.loadLayersModel("file://lost-weights/model.json"), /its weights file .*lost-weights\/weights\.bin does not exist/);
    fs.mkdirSync(path.join(baseDir, "folder-json", "model.json"), { recursive: true });
    await assert.rejects(tf.loadLayersModel("file://folder-json"), /Cannot load file:\/\/.*folder-json\/model\.json: it is a directory, not a file/);
    await assert.rejects(tf.loadLayersModel("file://a-file/model.json"), /Cannot load file:\/\/.*a-file\/model\.json: .*a-file is a file, not a directory/);
  });

  it("fails at once, naming the folder and why, where a model cannot be written", async () => {
    const cases: [string, RegExp][] = [
      // A recursive mkdir under /proc never returns in Node itself.
      ["file:///proc/nope/m", /Cannot save to file:\/\/\/proc\/nope\/m: cannot create the directory \/proc\/nope \(this file system does not allow it\)/],
      ["file:///sys/nope/m", /Cannot save to file:\/\/\/sys\/nope\/m: cannot create the directory \/sys\/nope \(operation not permitted\)/],
      ["file:///proc/self", /Cannot save to file:\/\/\/proc\/self: cannot write \/proc\/self\/model\.json \(this file system does not allow it\)/],
      ["file:///sys/kernel", /Cannot save to file:\/\/\/sys\/kernel: cannot write \/sys\/kernel\/model\.json \(permission denied\)/],
      ["file://a-file/sub/m", /Cannot save to file:\/\/.*a-file\/sub\/m: .*a-file is a file, not a directory/],
    ];
    fs.writeFileSync(path.join(baseDir, "a-file"), "");
    for (const [url, expected] of cases) {
      const start = performance.now();
      await assert.rejects(tinyModel().save(url), expected, url);
      assert.ok(performance.now() - start < 5_000, `${url} took ${performance.now() - start} ms`);
    }
    assert.equal(fs.existsSync(path.join(baseDir, "a-file", "sub")), false);
  });

  it("never waits on a named pipe in place of a model file", async () => {
    const pipes = path.join(baseDir, "pipes");
    fs.mkdirSync(pipes);
    execFileSync("mkfifo", [path.join(pipes, "model.json")]);
    await assert.rejects(tf.loadLayersModel("file://pipes"), /Cannot load file:\/\/.*pipes\/model\.json: it is not a regular file/);
    await assert.rejects(tinyModel().save("file://pipes"), /Cannot save to file:\/\/.*pipes: cannot write .*pipes\/model\.json \(it is not a regular file\)/);
  });

  it("never waits on a kernel file that calls itself a regular file", async () => {
    // /proc/kmsg has the stats of an empty regular file, yet reading it waits for the kernel's next message.
    const start = performance.now();
    await assert.rejects(tf.loadLayersModel("file:///proc/kmsg"), /Cannot load file:\/\/\/proc\/kmsg: (cannot read it|it is not a regular file)/);
    const kmsgWeights = path.join(baseDir, "kmsg-weights");
    fs.mkdirSync(kmsgWeights);
    fs.symlinkSync("/proc/kmsg", path.join(kmsgWeights, "weights.bin"));
    // No weights take no bytes, so the size check alone lets it through.
    fs.writeFileSync(path.join(kmsgWeights, "model.json"), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ["weights.bin"], weights: [] }] }));
    await assert.rejects(tf.loadLayersModel("file://kmsg-weights"), /Cannot load file:\/\/.*kmsg-weights\/model\.json: (cannot read its weights file .*kmsg-weights\/weights\.bin|its weights file .*kmsg-weights\/weights\.bin cannot be read)/);
    assert.ok(performance.now() - start < 5_000, `took ${performance.now() - start} ms`);
  });

  describe("weight files", () => {
    /** A one-unit dense layer on two inputs: its kernel and bias as the manifest lists them, and its weight files. */
    function writeModel(name: string, weights: object[], files: Record<string, Buffer>, paths = Object.keys(files)): string {
      const dir = path.join(baseDir, name);
      fs.mkdirSync(dir, { recursive: true });
      const modelTopology = {
        class_name: "Sequential",
        config: { name, layers: [{ class_name: "Dense", config: { name: "d", units: 1, batch_input_shape: [null, 2] } }] },
      };
      fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify({ modelTopology, format: "layers-model", weightsManifest: [{ paths, weights }] }));
      for (const [file, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), bytes);
      return dir;
    }
    const float32Weights = [
      { name: "d/kernel", shape: [2, 1], dtype: "float32" },
      { name: "d/bias", shape: [1], dtype: "float32" },
    ];
    const float32Bytes = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

    it("refuses a weights file of the wrong size, naming it and both byte counts", async () => {
      writeModel("short", float32Weights, { "weights.bin": float32Bytes([1, 2]) });
      await assert.rejects(tf.loadLayersModel("file://short"), /Cannot load file:\/\/.*short\/model\.json: its weights file .*short\/weights\.bin has 8 bytes, but the manifest's 2 weights for it take 12 bytes/);
      writeModel("long", float32Weights, { "weights.bin": float32Bytes([1, 2, 3, 4]) });
      await assert.rejects(tf.loadLayersModel("file://long"), /its weights file .*long\/weights\.bin has 16 bytes, but the manifest's 2 weights for it take 12 bytes/);
      // A group's weights run on across its files: only their sum is known.
      writeModel("shards", float32Weights, { "a.bin": float32Bytes([1, 2]), "b.bin": float32Bytes([3, 4]) });
      await assert.rejects(tf.loadLayersModel("file://shards"), /its weights files .*shards\/a\.bin, .*shards\/b\.bin have 16 bytes together, but the manifest's 2 weights for them take 12 bytes/);
      writeModel("right", float32Weights, { "a.bin": float32Bytes([1, 2]), "b.bin": float32Bytes([3]) });
      const model = await tf.loadLayersModel("file://right");
      assert.deepEqual(Array.from((model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor).dataSync()), [6]);
    });

    it("refuses a manifest whose weights it cannot size", async () => {
      writeModel("odd-dtype", [{ name: "d/kernel", shape: [2, 1], dtype: "float64" }], { "weights.bin": Buffer.alloc(16) });
      await assert.rejects(tf.loadLayersModel("file://odd-dtype"), /odd-dtype\/model\.json: its weight d\/kernel has the dtype float64, which TensorFlow\.js cannot read/);
      writeModel("no-shape", [{ name: "d/kernel", dtype: "float32" }], { "weights.bin": Buffer.alloc(8) });
      await assert.rejects(tf.loadLayersModel("file://no-shape"), /no-shape\/model\.json: its weight d\/kernel has no valid shape/);
    });

    it("counts quantized weights at their stored size", async () => {
      const quantized = [
        { name: "d/kernel", shape: [2, 1], dtype: "float32", quantization: { dtype: "uint8", min: 0, scale: 0.5 } },
        { name: "d/bias", shape: [1], dtype: "float32" },
      ];
      writeModel("quantized", quantized, { "weights.bin": Buffer.concat([Buffer.from([2, 4]), float32Bytes([3])]) });
      const model = await tf.loadLayersModel("file://quantized");
      assert.deepEqual(Array.from((model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor).dataSync()), [6]);
      writeModel("quantized-long", quantized, { "weights.bin": float32Bytes([1, 2, 3]) });
      await assert.rejects(tf.loadLayersModel("file://quantized-long"), /weights\.bin has 12 bytes, but the manifest's 2 weights for it take 6 bytes/);
    });

    it("refuses weight paths that leave the model's folder", async () => {
      // The files are there and of the right size: only where they are is wrong.
      fs.writeFileSync(path.join(baseDir, "outside.bin"), float32Bytes([1, 2, 3]));
      writeModel("escape-up", float32Weights, {}, ["../outside.bin"]);
      await assert.rejects(tf.loadLayersModel("file://escape-up"), /Cannot load file:\/\/.*escape-up\/model\.json: its weights path "\.\.\/outside\.bin" leaves the model's directory/);
      writeModel("escape-absolute", float32Weights, {}, [path.join(baseDir, "outside.bin")]);
      await assert.rejects(tf.loadLayersModel("file://escape-absolute"), /its weights path ".*outside\.bin" leaves the model's directory/);
    });
  });
});

describe("file:// IO in a kernel", function () {
  this.timeout(120_000);
  const modelCellStart = [
    'import * as tf from "@tensorflow/tfjs";',
    "const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });",
  ];

  it("saves next to the notebook and loads back, on the kernel's backend", async () => {
    const kernel = await startStudioKernel();
    try {
      const result = await kernel.run([
        ...modelCellStart,
        'await model.save("file://saved");',
        'const loaded = await tf.loadLayersModel("file://saved/model.json");',
        "const x = tf.tensor2d([[1, 2]]);",
        "[tf.getBackend(), (model.predict(x) as tf.Tensor).dataSync()[0] === (loaded.predict(x) as tf.Tensor).dataSync()[0]]",
      ].join("\n"));
      assert.equal(result.reply.content.status, "ok", String(result.reply.content.evalue));
      assert.equal(resultText(result), "[ 'wasm', true ]");
      assert.ok(fs.existsSync(path.join(kernel.cwd, "saved", "weights.bin")));
    } finally {
      await kernel.stop();
    }
  });

  it("fails a save to a path that cannot be written and a load of a file that never ends at once, and runs the next cell", async () => {
    const kernel = await startStudioKernel();
    try {
      const result = await kernel.run([...modelCellStart, 'await model.save("file:///proc/nope/m");'].join("\n"), { timeoutMs: 10_000 });
      assert.equal(result.reply.content.status, "error");
      assert.match(String(result.reply.content.evalue), /Cannot save to file:\/\/\/proc\/nope\/m: cannot create the directory \/proc\/nope/);
      const load = await kernel.run('await tf.loadLayersModel("file:///proc/kmsg");', { timeoutMs: 10_000 });
      assert.match(String(load.reply.content.evalue), /Cannot load file:\/\/\/proc\/kmsg: (cannot read it|it is not a regular file)/);
      assert.equal(resultText(await kernel.run("1 + 1", { timeoutMs: 10_000 })), "2");
    } finally {
      await kernel.stop();
    }
  });
});
