// The model graph's vscode-free parts: model.json loading with weight statistics, the elkjs layout
// (the same code the panel's worker runs) timed on a 500-layer model, and the cell output's compact layout.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Tf from "@tensorflow/tfjs";
import ELK from "elkjs/lib/elk.bundled.js";
import { modelGraph } from "../tfjs/modelGraph/modelGraph";
import type { ModelGraph } from "../protocol/modelGraphSchema";
import { fileSystemHandler } from "../tfjs/io/fileSystemIO";
import { ModelJsonLoader } from "../extension/modelGraph/modelJsonLoader";
import { elkGraph, nodeLines, placedLayout } from "../webviews/modelGraphPanel/graphLayout";
import { compactGraphLayout } from "../webviews/renderer/compactGraphLayout";
import { weightsOriginText } from "../webviews/modelGraphPanel/weightsOriginText";

const tf: typeof Tf = require("@tensorflow/tfjs");

describe("model graph panel: files and layout", function () {
  this.timeout(120_000);
  let dir: string;
  // As the panel does: files are read on the loader's worker thread.
  let loader: ModelJsonLoader;

  before(async () => {
    await tf.setBackend("cpu");
    dir = mkdtempSync(join(tmpdir(), "model-graph-"));
    loader = new ModelJsonLoader();
  });
  after(() => {
    loader.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function savedModel(name: string): Promise<string> {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [2], name: "first" }), tf.layers.dense({ units: 1, name: "second", activation: "sigmoid" })],
    });
    model.layers[0].setWeights([tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([0, -1])]);
    await model.save(fileSystemHandler(tf, join(dir, name)));
    return join(dir, name, "model.json");
  }

  function writeJson(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  describe("model.json from disk", () => {
    it("builds the layer graph with statistics of the saved weights", async () => {
      const graph = await loader.load(await savedModel("saved"));
      assert.deepEqual(graph.nodes.map((node) => `${node.name}:${node.className}`).slice(1), ["first:Dense", "second:Dense"]);
      assert.deepEqual(graph.edges.map((edge) => `${edge.from}->${edge.to}`).sort(), ["first->second", "first_input->first"]);
      assert.equal(graph.params.total, 9);
      const [kernel, bias] = graph.nodes[1].weights;
      assert.deepEqual([kernel.name, kernel.shape, kernel.dtype], ["first/kernel", [2, 2], "float32"]);
      assert.deepEqual({ ...kernel.stats, histogram: kernel.stats?.histogram.reduce((a, b) => a + b) }, {
        count: 4, nonFinite: 0, min: 1, max: 4, mean: 2.5, std: Math.sqrt(1.25), zeros: 0, histogram: 4,
      });
      assert.deepEqual([bias.stats?.min, bias.stats?.max, bias.stats?.zeros], [-1, 0, 0.5]);
      assert.equal(graph.nodes[2].weights[0].stats?.count, 2);
    });

    it("says clearly what is wrong with a file that is not a loadable layers model", async () => {
      const cases: [string, RegExp][] = [
        [join(dir, "nothing.json"), /Cannot read .*nothing\.json: ENOENT/],
        [writeJson("broken.json", "{ not json"), /broken\.json is not valid JSON/],
        [writeJson("plain.json", `{"name": "x"}`), /plain\.json has no modelTopology, so it is not a TensorFlow\.js model\.json/],
        [writeJson("graph.json", `{"format": "graph-model", "modelTopology": {"node": []}, "weightsManifest": []}`), /graph\.json is a graph model .*layers models \(tf\.LayersModel\) only/],
        [writeJson("odd.json", `{"modelTopology": {"something": 1}}`), /odd\.json is not a layers model/],
      ];
      const missingWeights = await savedModel("noweights");
      unlinkSync(join(dir, "noweights", "weights.bin"));
      cases.push([missingWeights, /its weights file .*weights\.bin does not exist/]);
      const truncated = await savedModel("truncated");
      truncateSync(join(dir, "truncated", "weights.bin"), 20);
      cases.push([truncated, /its weights file .*truncated\/weights\.bin has 20 bytes, but the manifest's 4 weights for it take 36 bytes/]);
      // A model.json must not make the reader open files elsewhere, even ones of the right size.
      const escaping = await savedModel("escaping");
      renameSync(join(dir, "escaping", "weights.bin"), join(dir, "elsewhere.bin"));
      const escapingJson = JSON.parse(readFileSync(escaping, "utf8"));
      escapingJson.weightsManifest[0].paths = ["../elsewhere.bin"];
      writeFileSync(escaping, JSON.stringify(escapingJson));
      cases.push([escaping, /its weights path "\.\.\/elsewhere\.bin" leaves the model's directory/]);
      const unknown = writeJson("custom.json", JSON.stringify({
        modelTopology: { class_name: "Sequential", config: { name: "s", layers: [{ class_name: "NoSuchLayer", config: { name: "x" } }] } },
        weightsManifest: [],
      }));
      cases.push([unknown, /Cannot load .*custom\.json as a layers model: .*NoSuchLayer/]);
      // Neither a named pipe nor a kernel file that calls itself regular keeps the reader waiting.
      execFileSync("mkfifo", [join(dir, "pipe.json")]);
      cases.push([join(dir, "pipe.json"), /Cannot read .*pipe\.json: it is not a regular file/]);
      cases.push(["/proc/kmsg", /Cannot read \/proc\/kmsg: /]);
      for (const [path, expected] of cases) await assert.rejects(loader.load(path), expected, path);
    });

    it("fails a file too big for the reader's memory with a clear error, and the caller lives on", async () => {
      // A heap cap too small even for tfjs stands in for a model too big for the default cap.
      const cramped = new ModelJsonLoader({ maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 });
      try {
        await assert.rejects(cramped.load(await savedModel("big")), /the model reader failed: .*memory/);
        assert.equal((await loader.load(await savedModel("next"))).params.total, 9);
      } finally {
        cramped.dispose();
      }
    });
  });

  describe("layout", () => {
    function chainGraph(layers: number): ModelGraph {
      const list = [tf.layers.dense({ units: 3, inputShape: [3] })];
      for (let i = 1; i < layers; i++) list.push(tf.layers.dense({ units: 3 }));
      return modelGraph(tf.sequential({ layers: list }));
    }

    it("shows class, name, output shape and parameter count on each box, and lays out top-down and left-right", async () => {
      const a = tf.input({ shape: [4], name: "a" });
      const b = tf.layers.dense({ units: 5, name: "b" }).apply(a) as Tf.SymbolicTensor;
      const c = tf.layers.dense({ units: 5, name: "c" }).apply(a) as Tf.SymbolicTensor;
      const graph = modelGraph(tf.model({ inputs: a, outputs: tf.layers.add({ name: "sum" }).apply([b, c]) as Tf.SymbolicTensor }));
      assert.deepEqual(nodeLines(graph.nodes.find((node) => node.name === "b")!), ["Dense", "b", "[?,5]", "25 params"]);
      const elk = new ELK();
      for (const direction of ["DOWN", "RIGHT"] as const) {
        const layout = placedLayout(await elk.layout(elkGraph(graph, direction)), direction, 0);
        const at = Object.fromEntries(layout.nodes.map((node) => [node.name, node]));
        const along = (name: string) => (direction === "DOWN" ? at[name].y : at[name].x);
        assert.ok(along("a") < along("b") && along("b") === along("c") && along("c") < along("sum"), JSON.stringify(at));
        assert.equal(layout.edges.length, 4);
        for (const edge of layout.edges) assert.ok(edge.points.length >= 2, `${edge.from}->${edge.to} has no route`);
        assert.ok(layout.width > 0 && layout.height > 0);
      }
    });

    it("draws a shared layer's repeated edge once", () => {
      const shared = tf.layers.dense({ units: 2, name: "twice" });
      const x = tf.input({ shape: [2], name: "x" });
      const sum = tf.layers.add({ name: "sum" }).apply([shared.apply(x), shared.apply(x)] as Tf.SymbolicTensor[]) as Tf.SymbolicTensor;
      const graph = modelGraph(tf.model({ inputs: x, outputs: sum }));
      assert.equal(graph.edges.length, 4);
      assert.deepEqual(elkGraph(graph, "DOWN").edges?.map((edge) => `${edge.sources}->${edge.targets}`).sort(), ["twice->sum", "x->twice"]);
    });

    it("lays out a 500-layer model in seconds, not minutes", async () => {
      const graph = chainGraph(500);
      const elk = new ELK();
      const timings: number[] = [];
      let layout: ReturnType<typeof placedLayout> | undefined;
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        layout = placedLayout(await elk.layout(elkGraph(graph, run === 1 ? "RIGHT" : "DOWN")), "DOWN", 0);
        timings.push(performance.now() - start);
      }
      console.log(`      elk layout of 501 layers: ${timings.map((ms) => ms.toFixed(0)).join(", ")} ms`);
      assert.ok(layout);
      assert.equal(layout.nodes.length, 501);
      // About 0.3 s warm on an idle machine; the bound only catches a blow-up, not a busy shared CI machine.
      assert.ok(Math.min(...timings) < 20_000, timings.join(", "));
    });
  });

  describe("compact layout in the cell output", () => {
    it("puts each layer a row below the layers it reads from, branches side by side", () => {
      const a = tf.input({ shape: [4], name: "a" });
      const b = tf.layers.dense({ units: 5, name: "b" }).apply(a) as Tf.SymbolicTensor;
      const c = tf.layers.dense({ units: 5, name: "c" }).apply(a) as Tf.SymbolicTensor;
      const graph = modelGraph(tf.model({ inputs: a, outputs: tf.layers.add({ name: "sum" }).apply([b, c]) as Tf.SymbolicTensor }));
      const layout = compactGraphLayout(graph);
      const at = Object.fromEntries(layout.boxes.map((box) => [box.node.name, box]));
      assert.ok(at.a.y < at.b.y && at.b.y === at.c.y && at.c.y < at.sum.y);
      assert.ok(at.b.x < at.c.x || at.c.x < at.b.x, "b and c side by side");
      assert.equal(layout.hidden, 0);
      assert.deepEqual(layout.links.map((link) => `${link.from}->${link.to}`).sort(), ["a->b", "a->c", "b->sum", "c->sum"]);
      for (const link of layout.links) assert.ok(link.y1 < link.y2, "links go down");
      for (const box of layout.boxes) assert.ok(box.x >= 0 && box.x + 220 <= layout.width && box.y + 36 <= layout.height);
    });

    it("draws only the first layers of a big model and counts the rest", () => {
      const list = [tf.layers.dense({ units: 2, inputShape: [2] })];
      for (let i = 1; i < 40; i++) list.push(tf.layers.dense({ units: 2 }));
      const layout = compactGraphLayout(modelGraph(tf.sequential({ layers: list })), 16);
      assert.equal(layout.boxes.length, 16);
      assert.equal(layout.hidden, 41 - 16);
      assert.equal(layout.links.length, 15);
    });
  });

  describe("the line that says how current the weights are", () => {
    const now = new Date(2025, 5, 3, 14, 5, 0);
    const at = (hours: number, minutes: number, seconds: number, day = 3) => new Date(2025, 5, day, hours, minutes, seconds).toISOString();
    const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

    it("says when the kernel's weights were read, and that the model was training then", () => {
      const readAt = at(14, 2, 31);
      assert.equal(weightsOriginText({ kind: "kernel", readAt, training: false }, now), `Current weights, read from the kernel at ${clock(readAt)}.`);
      assert.match(weightsOriginText({ kind: "kernel", readAt, training: true }, now), /, while the model was training\.$/);
    });

    it("calls a copy a snapshot, says when it was taken (with the date when not today) and why it is not current", () => {
      const why = "The notebook's kernel is not running, so the model is gone.";
      const today = weightsOriginText({ kind: "snapshot", readAt: at(13, 58, 10), why }, now);
      assert.equal(today, `Weights as of ${clock(at(13, 58, 10))} (a snapshot, not the current weights). ${why}`);
      assert.match(weightsOriginText({ kind: "snapshot", readAt: at(13, 58, 10, 1), why }, now), /^Weights as of .*2025.* \(a snapshot/);
      // Outputs of older kernels do not say when they were made.
      assert.match(weightsOriginText({ kind: "snapshot", why }, now), /^Weights from when the cell ran \(a snapshot/);
      assert.match(weightsOriginText({ kind: "reading", readAt: at(13, 58, 10) }, now), /^Weights as of .*\. Reading the current ones from the kernel…$/);
    });

    it("says when a model.json was last modified", () => {
      assert.equal(weightsOriginText({ kind: "file", modifiedAt: at(9, 0, 0) }, now), `Weights as saved in the file, last modified ${clock(at(9, 0, 0))}.`);
    });
  });
});
