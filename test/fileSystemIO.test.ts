// file:// save and load without tfjs-node: tfjs-node's format (model.json + weights.bin), round
// trips on wasm and cpu, paths relative to the notebook folder, and clear errors.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerFileSystemIO } from "../kernel/tfjs/fileSystemIO";
import { dropEmscriptenProcessHandlers } from "../kernel/tfjs/emscriptenProcessHandlers";
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
  before(() => {
    baseDir = tempDir("tfjs-fileio-");
    registerFileSystemIO(tf, baseDir);
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
  });
});

describe("file:// IO in a kernel", function () {
  this.timeout(120_000);

  it("saves next to the notebook and loads back, on the kernel's backend", async () => {
    const kernel = await startStudioKernel();
    try {
      const result = await kernel.run([
        'import * as tf from "@tensorflow/tfjs";',
        "const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });",
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
});
