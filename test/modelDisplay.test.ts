// Model display: a tf.LayersModel's layer graph, HTML and text summaries, in-process and through a kernel.
import assert from "node:assert/strict";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import type * as Tf from "@tensorflow/tfjs";
import type { JupyterMessage } from "../protocol/messages";
import { isLayersModel } from "../tfjs/modelGraph/isLayersModel";
import { DisplayedModels } from "../kernel/modelDisplay/displayedModels";
import { formatModel, installModelDisplay } from "../kernel/modelDisplay/modelDisplayFormatter";
import { modelGraph } from "../tfjs/modelGraph/modelGraph";
import { MODEL_GRAPH_MIME, MODEL_GRAPH_SCHEMA_VERSION, type ModelGraph } from "../protocol/modelGraphSchema";
import { MODEL_GRAPH_REQUEST, type ModelGraphReplyContent } from "../protocol/modelGraphRequest";
import { currentModelGraph } from "../extension/modelGraph/currentModelGraph";
import { weightStats } from "../tfjs/modelGraph/weightStats";
import { toDisplayBundle } from "../kernel/inKernelModules/mimeBundle";
import { StudioKernel, delay, ofType, startStudioKernel, streamText, stripAnsi, types } from "./support/studioKernel";

const tf: typeof Tf = require("@tensorflow/tfjs");
const displayed = new DisplayedModels();

/** "from[call][output]->to[call]#input" for every edge, sorted, to compare topologies. */
function edgeList(graph: ModelGraph): string[] {
  return graph.edges.map((e) => `${e.from}[${e.fromCall}][${e.fromOutput}]->${e.to}[${e.toCall}]#${e.toInput}`).sort();
}

function node(graph: ModelGraph, name: string) {
  const found = graph.nodes.find((each) => each.name === name);
  assert.ok(found, `no node ${name} in ${graph.nodes.map((each) => each.name)}`);
  return found;
}

function bundleOf(model: Tf.LayersModel): { graph: ModelGraph; html: string; text: string } {
  const bundle = formatModel(model, displayed);
  assert.ok(bundle, "the model was not recognised");
  return { graph: bundle[MODEL_GRAPH_MIME] as ModelGraph, html: bundle["text/html"] as string, text: bundle["text/plain"] as string };
}

describe("model display", function () {
  this.timeout(60_000);

  before(async () => {
    await tf.setBackend("cpu");
  });

  describe("layer graph", () => {
    it("describes a Sequential model: nodes, shapes, params and a chain of edges", () => {
      const model = tf.sequential({
        name: "digits",
        layers: [
          tf.layers.conv2d({ name: "conv", inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu" }),
          tf.layers.flatten({ name: "flat" }),
          tf.layers.dense({ name: "hidden", units: 16, activation: "relu" }),
          tf.layers.dropout({ name: "drop", rate: 0.25 }),
          tf.layers.dense({ name: "out", units: 10, activation: "softmax" }),
        ],
      });
      const graph = modelGraph(model);

      assert.equal(graph.schemaVersion, MODEL_GRAPH_SCHEMA_VERSION);
      assert.equal(graph.name, "digits");
      assert.equal(graph.className, "Sequential");
      assert.equal(graph.built, true);
      const inputName = model.inputs[0].sourceLayer.name;
      assert.deepEqual(graph.nodes.map((each) => `${each.name}:${each.className}`), [
        `${inputName}:InputLayer`, "conv:Conv2D", "flat:Flatten", "hidden:Dense", "drop:Dropout", "out:Dense",
      ]);
      assert.deepEqual(graph.nodes.map((each) => each.outputShapes), [
        [[null, 12, 12, 1]], [[null, 10, 10, 4]], [[null, 400]], [[null, 16]], [[null, 16]], [[null, 10]],
      ]);
      assert.deepEqual(node(graph, "conv").inputShapes, [[null, 12, 12, 1]]);
      assert.deepEqual(node(graph, inputName).inputShapes, []);
      for (const layer of model.layers) assert.equal(node(graph, layer.name).params, layer.countParams(), layer.name);
      assert.equal(node(graph, "conv").params, 3 * 3 * 1 * 4 + 4);
      assert.deepEqual(graph.params, { total: model.countParams(), trainable: model.countParams(), nonTrainable: 0 });
      assert.deepEqual(edgeList(graph), [
        `${inputName}[0][0]->conv[0]#0`, "conv[0][0]->flat[0]#0", "flat[0][0]->hidden[0]#0", "hidden[0][0]->drop[0]#0", "drop[0][0]->out[0]#0",
      ].sort());
      assert.deepEqual(graph.edges.find((e) => e.to === "hidden")?.shape, [null, 400]);
      assert.deepEqual(graph.inputs, [{ layer: inputName, call: 0, output: 0, shape: [null, 12, 12, 1] }]);
      assert.deepEqual(graph.outputs, [{ layer: "out", call: 0, output: 0, shape: [null, 10] }]);

      const conv = node(graph, "conv");
      assert.equal(conv.activation, "relu");
      assert.equal(conv.trainable, true);
      assert.equal(conv.dtype, "float32");
      assert.deepEqual(conv.weights, [
        { name: "conv/kernel", shape: [3, 3, 1, 4], dtype: "float32", trainable: true },
        { name: "conv/bias", shape: [4], dtype: "float32", trainable: true },
      ]);
      assert.equal(conv.config?.filters, 4);
      assert.equal(node(graph, "drop").config?.rate, 0.25);
      assert.equal(node(graph, "drop").activation, undefined);
      // Plain JSON all the way down: what the frontend receives equals what was built.
      assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph);
    });

    it("follows a functional model with two inputs, a concatenate and two outputs", () => {
      const numbers = tf.input({ shape: [4], name: "numbers" });
      const flags = tf.input({ shape: [3], name: "flags" });
      const encoded = tf.layers.dense({ units: 8, name: "encode" }).apply(numbers) as Tf.SymbolicTensor;
      const joined = tf.layers.concatenate({ name: "join" }).apply([encoded, flags]) as Tf.SymbolicTensor;
      const score = tf.layers.dense({ units: 1, activation: "sigmoid", name: "score" }).apply(joined) as Tf.SymbolicTensor;
      const kind = tf.layers.dense({ units: 3, activation: "softmax", name: "kind" }).apply(joined) as Tf.SymbolicTensor;
      const model = tf.model({ inputs: [numbers, flags], outputs: [score, kind], name: "two_heads" });
      const graph = modelGraph(model);

      assert.deepEqual(graph.nodes.map((each) => each.name).sort(), ["encode", "flags", "join", "kind", "numbers", "score"]);
      assert.deepEqual(edgeList(graph), [
        "encode[0][0]->join[0]#0",
        "flags[0][0]->join[0]#1",
        "join[0][0]->kind[0]#0",
        "join[0][0]->score[0]#0",
        "numbers[0][0]->encode[0]#0",
      ]);
      assert.deepEqual(node(graph, "join").inputShapes, [[null, 8], [null, 3]]);
      assert.deepEqual(node(graph, "join").outputShapes, [[null, 11]]);
      assert.deepEqual(graph.inputs.map((each) => [each.layer, each.shape]), [["numbers", [null, 4]], ["flags", [null, 3]]]);
      assert.deepEqual(graph.outputs.map((each) => [each.layer, each.shape]), [["score", [null, 1]], ["kind", [null, 3]]]);
      assert.equal(graph.params.total, model.countParams());
      // Inputs come before the layers that read them.
      const position = (name: string) => graph.nodes.findIndex((each) => each.name === name);
      for (const edge of graph.edges) assert.ok(position(edge.from) < position(edge.to), `${edge.from} after ${edge.to}`);
    });

    it("names which output of a multi-output layer each edge and model output takes", () => {
      const sequence = tf.input({ shape: [5, 3], name: "sequence" });
      const [, lastState, cellState] = tf.layers.lstm({ units: 4, returnState: true, name: "rnn" }).apply(sequence) as Tf.SymbolicTensor[];
      const both = tf.layers.concatenate({ name: "both" }).apply([cellState, lastState]) as Tf.SymbolicTensor;
      const graph = modelGraph(tf.model({ inputs: sequence, outputs: [both, cellState] }));
      assert.deepEqual(node(graph, "rnn").outputShapes, [[null, 4], [null, 4], [null, 4]]);
      assert.deepEqual(edgeList(graph), ["rnn[0][1]->both[0]#1", "rnn[0][2]->both[0]#0", "sequence[0][0]->rnn[0]#0"]);
      assert.deepEqual(graph.outputs[1], { layer: "rnn", call: 0, output: 2, shape: [null, 4] });
    });

    it("shows each call of a shared layer, counts its weights once, and leaves out its calls in other models", () => {
      const shared = tf.layers.dense({ units: 5, name: "shared" });
      const other = tf.input({ shape: [4], name: "elsewhere" });
      tf.model({ inputs: other, outputs: shared.apply(other) as Tf.SymbolicTensor });
      const left = tf.input({ shape: [4], name: "left" });
      const right = tf.input({ shape: [4], name: "right" });
      const sum = tf.layers.add({ name: "sum" }).apply([shared.apply(left), shared.apply(right)] as Tf.SymbolicTensor[]) as Tf.SymbolicTensor;
      const model = tf.model({ inputs: [left, right], outputs: sum });
      const graph = modelGraph(model);

      assert.deepEqual(node(graph, "shared").calls.map((call) => call.index), [1, 2]);
      assert.deepEqual(node(graph, "shared").calls[1], { index: 2, inputShapes: [[null, 4]], outputShapes: [[null, 5]] });
      assert.deepEqual(edgeList(graph), [
        "left[0][0]->shared[1]#0",
        "right[0][0]->shared[2]#0",
        "shared[1][0]->sum[0]#0",
        "shared[2][0]->sum[0]#1",
      ]);
      assert.equal(graph.nodes.filter((each) => each.name === "shared").length, 1);
      assert.ok(!graph.nodes.some((each) => each.name === "elsewhere"));
      assert.equal(graph.params.total, model.countParams());
      assert.equal(graph.params.total, 4 * 5 + 5);
    });

    it("shows a nested model as one node with its own graph, called or added first to a Sequential", () => {
      const inner = tf.sequential({
        name: "encoder",
        layers: [tf.layers.dense({ units: 6, inputShape: [3], name: "enc1" }), tf.layers.dense({ units: 2, name: "enc2" })],
      });
      const x = tf.input({ shape: [3], name: "x" });
      const called = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1, name: "head" }).apply(inner.apply(x)) as Tf.SymbolicTensor });
      const graph = modelGraph(called);
      assert.deepEqual(graph.nodes.map((each) => each.name), ["x", "encoder", "head"]);
      assert.deepEqual(edgeList(graph), ["encoder[1][0]->head[0]#0", "x[0][0]->encoder[1]#0"]);
      const encoder = node(graph, "encoder");
      assert.equal(encoder.className, "Sequential");
      assert.equal(encoder.params, inner.countParams());
      assert.equal(encoder.config, null);
      assert.deepEqual(encoder.model?.nodes.map((each) => each.name), ["enc1_input", "enc1", "enc2"]);
      assert.deepEqual(encoder.model && edgeList(encoder.model), ["enc1[0][0]->enc2[0]#0", "enc1_input[0][0]->enc1[0]#0"]);
      assert.equal(graph.params.total, called.countParams());

      // Added first, tfjs hands the inner model's tensors to the outer one instead of calling it.
      const stacked = tf.sequential({ layers: [inner, tf.layers.dense({ units: 1, name: "top" })] });
      const stackedGraph = modelGraph(stacked);
      const inputName = stacked.inputs[0].sourceLayer.name;
      assert.deepEqual(stackedGraph.nodes.map((each) => each.name), [inputName, "encoder", "top"]);
      assert.deepEqual(edgeList(stackedGraph), [`${inputName}[0][0]->encoder[0]#0`, "encoder[0][0]->top[0]#0"]);
      assert.equal(stackedGraph.params.total, stacked.countParams());
    });

    it("keeps a custom layer whose config is not JSON, and shows a model whose graph cannot be read as text", () => {
      class Odd extends tf.layers.Layer {
        static className = "Odd<Layer>";
        override call(inputs: Tf.Tensor | Tf.Tensor[]) {
          return inputs;
        }
        override getConfig() {
          const config: Record<string, unknown> = { ...super.getConfig(), scale: Infinity, pick: Math.max, big: 2n };
          config.self = config;
          return config as Tf.serialization.ConfigDict;
        }
      }
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] }), new Odd({ name: "odd" })] });
      const { graph, html } = bundleOf(model);
      const { scale, pick, big, self } = node(graph, "odd").config ?? {};
      assert.deepEqual({ scale, pick, big, self }, { scale: "Infinity", pick: "[function max]", big: "2", self: "[circular]" });
      assert.ok(html.includes("odd (Odd&#60;Layer&#62;)"), html);

      (model.layers[1].inboundNodes[0] as { inboundLayers: unknown }).inboundLayers = null;
      assert.match(formatModel(model, displayed)?.["text/plain"] as string, /^Model "sequential_\d+": its layer graph cannot be read: /);
    });

    it("marks frozen layers and counts their weights as non-trainable", () => {
      const frozen = tf.layers.dense({ units: 4, inputShape: [2], name: "frozen", trainable: false });
      const model = tf.sequential({ layers: [frozen, tf.layers.dense({ units: 1, name: "free" })] });
      const { graph, html, text } = bundleOf(model);
      assert.equal(node(graph, "frozen").trainable, false);
      assert.equal(node(graph, "frozen").weights.every((weight) => !weight.trainable), true);
      assert.equal(node(graph, "free").weights.every((weight) => weight.trainable), true);
      assert.deepEqual(graph.params, { total: 17, trainable: 5, nonTrainable: 12 });
      assert.match(text, /^Non-trainable params: 12$/m);
      assert.match(html, /<tr class="frozen" title="not trainable"><td>frozen \(Dense\)/);
      assert.equal((html.match(/class="frozen"/g) ?? []).length, 1);
    });
  });

  describe("weight statistics", () => {
    it("summarises each weight's values in the display payload: min, max, mean, std, zeros and a histogram", () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: "fixed" })] });
      model.layers[0].setWeights([tf.tensor2d([[0, 1], [2, 3]]), tf.tensor1d([0, 0])]);
      const { graph } = bundleOf(model);
      assert.equal(graph.statsSkipped, undefined);
      const [kernel, bias] = node(graph, "fixed").weights;
      assert.equal(kernel.name, "fixed/kernel");
      const { histogram, std, ...rest } = kernel.stats!;
      assert.deepEqual(rest, { count: 4, nonFinite: 0, min: 0, max: 3, mean: 1.5, zeros: 0.25 });
      assert.ok(Math.abs(std - Math.sqrt(1.25)) < 1e-9, `${std}`);
      assert.equal(histogram.length, 30);
      assert.equal(histogram.reduce((a, b) => a + b, 0), 4);
      assert.equal(histogram[0], 1, "0 in the first bin");
      assert.equal(histogram[29], 1, "the maximum in the last bin");
      assert.deepEqual({ ...bias.stats, histogram: undefined }, { count: 2, nonFinite: 0, min: 0, max: 0, mean: 0, std: 0, zeros: 1, histogram: undefined });
      assert.equal(bias.stats!.histogram[0], 2, "a constant weight fills the first bin");
      assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph);
    });

    it("counts NaN and infinities apart, so the statistics stay finite JSON", () => {
      const stats = weightStats(new Float32Array([NaN, -1, Infinity, 1, -Infinity]), 4);
      assert.deepEqual(stats, { count: 5, nonFinite: 3, min: -1, max: 1, mean: 0, std: 1, zeros: 0, histogram: [1, 0, 0, 1] });
      assert.deepEqual(weightStats(new Float32Array([NaN])), { count: 1, nonFinite: 1, min: 0, max: 0, mean: 0, std: 0, zeros: 0, histogram: [] });
    });

    it("leaves statistics out of models above the parameter cap and says so", () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4], name: "wide" })] });
      const capped = modelGraph(model, { statsMaxParams: 10 });
      assert.match(capped.statsSkipped ?? "", /left out: the model has 20 parameters, more than the 10 summarised/);
      assert.ok(capped.nodes.every((each) => each.weights.every((weight) => weight.stats === undefined)));
      assert.equal(modelGraph(model, { statsMaxParams: 20 }).nodes[1].weights[0].stats?.count, 16);
      assert.equal(modelGraph(model).nodes[1].weights[0].stats, undefined, "no statistics unless asked for");
    });

    it("still shows the graph of a disposed model, saying its statistics could not be read", () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: "gone" })] });
      model.dispose();
      const { graph } = bundleOf(model);
      assert.equal(node(graph, "gone").params, 2);
      assert.match(graph.statsSkipped ?? "", /could not be read: .*disposed/i);
      assert.equal(node(graph, "gone").weights[0].stats, undefined);
    });
  });

  describe("summaries", () => {
    it("prints the text summary with a row per layer, shapes, params and totals, like model.summary()", () => {
      const model = tf.sequential({
        name: "small",
        layers: [tf.layers.dense({ units: 8, inputShape: [4], name: "hidden" }), tf.layers.dense({ units: 2, name: "out" })],
      });
      const { text } = bundleOf(model);
      const lines = text.split("\n");
      assert.equal(lines[0], `Model: "small" (Sequential)`);
      assert.match(text, /^Layer \(type\) +Output shape +Param #$/m);
      assert.doesNotMatch(text, /Connected to/);
      assert.match(text, /^hidden \(Dense\) +\[null,8\] +40$/m);
      assert.match(text, /^out \(Dense\) +\[null,2\] +18$/m);
      assert.match(text, /_input \(InputLayer\) +\[null,4\] +0$/m);
      assert.ok(lines.includes(`Total params: ${model.countParams()}`), text);
      assert.ok(lines.includes("Trainable params: 58"), text);
      assert.ok(lines.includes("Non-trainable params: 0"), text);
      // The columns line up: every row's shape starts where the header's does.
      const shapeColumn = lines.find((line) => line.startsWith("Layer (type)"))!.indexOf("Output shape");
      assert.equal(lines.find((line) => line.startsWith("hidden ("))!.indexOf("[null,8]"), shapeColumn);
    });

    it("adds a Connected to column for a functional model, one line per inbound tensor", () => {
      const a = tf.input({ shape: [2], name: "a" });
      const b = tf.input({ shape: [3], name: "b" });
      const merged = tf.layers.concatenate({ name: "merged" }).apply([a, b]) as Tf.SymbolicTensor;
      const { text, html } = bundleOf(tf.model({ inputs: [a, b], outputs: merged }));
      assert.match(text, /^Layer \(type\) +Output shape +Param # +Connected to$/m);
      assert.match(text, /^merged \(Concatenate\) +\[null,5\] +0 +a\[0\]\[0\]$/m);
      assert.match(text, /^ +b\[0\]\[0\]$/m);
      assert.match(html, /<th[^>]*>Connected to<\/th>/);
      assert.match(html, /a\[0\]\[0\]<br>b\[0\]\[0\]/);
    });

    it("renders an HTML table and escapes names", () => {
      // tfjs refuses such layer names (they name tensors), but not model names.
      const model = tf.sequential({ name: `<script>alert("m&m")</script>`, layers: [tf.layers.dense({ units: 3, inputShape: [2], name: "dense" })] });
      const { html } = bundleOf(model);
      assert.match(html, /<table class="tfjs-studio-model-summary"/);
      assert.ok(html.includes("dense (Dense)"), html);
      assert.ok(html.includes("&#60;script&#62;alert(&#34;m&#38;m&#34;)&#60;/script&#62;"), html);
      assert.ok(!html.includes("<script>"), html);
      assert.match(html, /<td[^>]*>9<\/td>/);
      assert.match(html, /Total params: 9/);
      assert.equal((html.match(/<tr>/g) ?? []).length, 3, "header, input and dense rows");
      assert.doesNotMatch(html, /class="frozen"/);
    });

    it("explains that an empty Sequential model is not built, without failing", () => {
      const { graph, text, html } = bundleOf(tf.sequential({ name: "empty" }));
      assert.equal(graph.built, false);
      assert.deepEqual([graph.nodes, graph.edges], [[], []]);
      assert.match(graph.notBuiltReason ?? "", /no layers yet/);
      assert.match(text, /^Model: "empty" \(Sequential\)\n.*no layers yet.*inputShape/);
      assert.match(html, /no layers yet/);
    });
  });

  describe("formatter", () => {
    it("recognises LayersModels only, and is what toDisplayBundle uses once installed", () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: "only" })] });
      assert.equal(isLayersModel(model), true);
      assert.equal(isLayersModel(tf.layers.dense({ units: 1 })), false);
      assert.equal(isLayersModel(tf.zeros([1])), false);
      assert.equal(isLayersModel({ layers: [] }), false);
      assert.equal(formatModel({ name: "not a model" }, displayed), undefined);

      assert.equal(toDisplayBundle(model).data[MODEL_GRAPH_MIME], undefined);
      const uninstall = installModelDisplay(displayed);
      try {
        const { data } = toDisplayBundle(model);
        assert.equal((data[MODEL_GRAPH_MIME] as ModelGraph).nodes.length, 2);
        assert.match(data["text/plain"] as string, /only \(Dense\)/);
        assert.match(data["text/html"] as string, /only \(Dense\)/);
      } finally {
        uninstall();
      }
    });

    it("knows a displayed model by its id until nothing refers to the model any more", async () => {
      const models = new DisplayedModels();
      // The model exists only inside this function.
      const id = (() => {
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
        const first = models.idOf(model);
        assert.equal(models.idOf(model), first, "the same model keeps its id");
        assert.equal((models.find(first) as { model?: unknown }).model, model);
        return first;
      })();
      // WeakRefs hold their target until the current job ends; then a full collection frees it.
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as () => void;
      // Flags are part of V8's code-cache tag: left changed, this process would name caches unlike a kernel does.
      v8.setFlagsFromString("--no-expose-gc");
      for (let attempt = 0; attempt < 10 && "model" in models.find(id); attempt++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      assert.deepEqual(models.find(id), { ename: "ModelGone", evalue: "The model no longer exists in the kernel: nothing in the notebook refers to it any more." });
    });

    it("formats a 500-layer model quickly", () => {
      const layers = [tf.layers.dense({ units: 4, inputShape: [4] })];
      for (let i = 1; i < 500; i++) layers.push(tf.layers.dense({ units: 4 }));
      const model = tf.sequential({ layers });
      // The best of a few runs measures the work, not the load of a shared machine or the first JIT.
      const timings: number[] = [];
      for (let run = 0; run < 5; run++) {
        const start = performance.now();
        formatModel(model, displayed);
        timings.push(performance.now() - start);
      }
      const elapsed = Math.min(...timings);
      console.log(`      formatting 500 layers: ${timings.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      const { graph, text } = bundleOf(model);
      assert.equal(graph.nodes.length, 501);
      assert.equal(graph.edges.length, 500);
      assert.equal(graph.params.total, model.countParams());
      assert.ok(text.includes(`Total params: ${500 * 20}`));
      assert.ok(elapsed < 1000, `${elapsed} ms`);
    });
  });

  describe("in the kernel", () => {
    let kernel: StudioKernel;
    before(async () => {
      // The notebook folder sees the kernel's own tfjs, as a user's project with tfjs installed would.
      kernel = await startStudioKernel();
    });
    after(async () => {
      await kernel?.stop();
    });

    function modelOutput(iopub: JupyterMessage[], msgType: string): Record<string, unknown> {
      const [message] = iopub.filter((each) => each.header.msg_type === msgType);
      assert.ok(message, `no ${msgType}: ${types(iopub)}`);
      return message.content.data as Record<string, unknown>;
    }

    async function runOk(code: string) {
      const result = await kernel.run(code, { timeoutMs: 60_000 });
      const { status, ename, evalue, traceback } = result.reply.content as Record<string, unknown>;
      if (status !== "ok") assert.fail(`${String(ename)}: ${String(evalue)}\n${stripAnsi(((traceback as string[]) ?? []).join("\n"))}`);
      return result;
    }

    it("shows a model as the last expression and through display() with the model MIME type, HTML and text", async () => {
      const built = await runOk(
        `import * as tf from "@tensorflow/tfjs";\n` +
          `const model = tf.sequential({ name: "cellmodel", layers: [tf.layers.dense({ units: 3, inputShape: [2], name: "hidden" }), tf.layers.dense({ units: 1, name: "out" })] });\n` +
          `model`,
      );
      const result = modelOutput(built.iopub, "execute_result");
      const graph = result[MODEL_GRAPH_MIME] as ModelGraph;
      assert.equal(graph.name, "cellmodel");
      assert.deepEqual(graph.nodes.slice(1).map((each) => [each.name, each.params]), [["hidden", 9], ["out", 4]]);
      assert.match(result["text/html"] as string, /hidden \(Dense\)/);
      assert.match(result["text/plain"] as string, /^hidden \(Dense\) +\[null,3\] +9$/m);
      assert.match(result["text/plain"] as string, /^Total params: 13$/m);

      const shown = await runOk(`import { display } from "tfjs-studio";\ndisplay(model);`);
      assert.deepEqual(ofType(shown, "execute_result"), []);
      const displayedAgain = modelOutput(shown.iopub, "display_data");
      // The same model, so the same id; read again, so a time of its own.
      assert.equal((displayedAgain[MODEL_GRAPH_MIME] as ModelGraph).modelId, graph.modelId);
      assert.deepEqual(withoutReadAt(displayedAgain), withoutReadAt(result));
    });

    function withoutReadAt(bundle: Record<string, unknown>): Record<string, unknown> {
      return { ...bundle, [MODEL_GRAPH_MIME]: { ...(bundle[MODEL_GRAPH_MIME] as ModelGraph), readAt: undefined } };
    }

    async function currentGraph(modelId: unknown): Promise<ModelGraphReplyContent> {
      const reply = await kernel.client.request("shell", MODEL_GRAPH_REQUEST, { model_id: modelId }, { timeoutMs: 20_000 });
      assert.equal(reply.header.msg_type, "tfjs_studio_model_graph_reply");
      return reply.content as ModelGraphReplyContent;
    }

    function currentOk(reply: ModelGraphReplyContent): Extract<ModelGraphReplyContent, { status: "ok" }> {
      if (reply.status !== "ok") assert.fail(`${reply.ename}: ${reply.evalue}`);
      return reply;
    }

    /** Statistics of a weight, as a cell computes them from the model's values now. */
    async function statsInKernel(expression: string): Promise<{ min: number; max: number; mean: number }> {
      const result = await runOk(`{ const v = Array.from(${expression}.dataSync()); console.log(JSON.stringify({ min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length })); }`);
      return JSON.parse(streamText(result)) as { min: number; max: number; mean: number };
    }

    it("answers the graph panel's request with the model's weights as they are now, not as they were displayed", async () => {
      const built = await runOk(
        `import * as tf from "@tensorflow/tfjs";\nconst trained = tf.sequential({ name: "trained", layers: [tf.layers.embedding({ name: "embed", inputDim: 20, outputDim: 4, inputLength: 3 }), tf.layers.flatten({ name: "flat" }), tf.layers.dense({ units: 1, name: "score" })] });\n` +
          `trained.compile({ optimizer: tf.train.sgd(5), loss: "meanSquaredError" });\n` +
          `trained`,
      );
      const snapshot = modelOutput(built.iopub, "execute_result")[MODEL_GRAPH_MIME] as ModelGraph;
      const initial = node(snapshot, "embed").weights[0].stats!;
      assert.ok(initial.max <= 0.05 && initial.min >= -0.05, `a fresh embedding is initialised within ±0.05: ${JSON.stringify(initial)}`);
      assert.ok(snapshot.modelId && snapshot.readAt, "a displayed graph carries the model's id and when it was read");

      await runOk(`await trained.fit(tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor2d([[40], [-40]]), { epochs: 3, verbose: 0 })`);
      const now = await statsInKernel(`trained.getLayer("embed").getWeights()[0]`);
      const reply = currentOk(await currentGraph(snapshot.modelId));
      const current = node(reply.graph, "embed").weights[0].stats!;
      assert.equal(current.min, now.min);
      assert.equal(current.max, now.max);
      assert.ok(Math.abs(current.mean - now.mean) < 1e-6, `${current.mean} vs ${now.mean}`);
      assert.ok(current.max > 0.05 || current.min < -0.05, `the trained embedding left ±0.05: ${JSON.stringify(current)}`);
      assert.equal(reply.graph.modelId, snapshot.modelId);
      assert.ok(Date.parse(reply.graph.readAt!) >= Date.parse(snapshot.readAt), `${reply.graph.readAt} is not after ${snapshot.readAt}`);
      assert.equal(reply.training, false);
    });

    it("answers while a training runs in the background, and says that it does", async () => {
      const built = await runOk(
        `import * as tf from "@tensorflow/tfjs";\nconst busy = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: "only" })] });\n` +
          `busy.compile({ optimizer: tf.train.sgd(0.01), loss: "meanSquaredError" });\n` +
          `void busy.fit(tf.randomNormal([64, 1]), tf.randomNormal([64, 1]), { epochs: 100000, batchSize: 8, verbose: 0 });\n` +
          `busy`,
      );
      const snapshot = modelOutput(built.iopub, "execute_result")[MODEL_GRAPH_MIME] as ModelGraph;
      try {
        const reply = currentOk(await currentGraph(snapshot.modelId));
        assert.equal(reply.training, true);
      } finally {
        await runOk(`busy.stopTraining = true;`);
      }
    });

    it("the graph panel's ask: the current graph, or why not in words for the user (older output, no kernel, a kernel busy in code that does not yield)", async () => {
      const built = await runOk(`import * as tf from "@tensorflow/tfjs";\nconst asked = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: "only" })] });\nasked`);
      const snapshot = modelOutput(built.iopub, "execute_result")[MODEL_GRAPH_MIME] as ModelGraph;
      const running = { state: "idle" as const, client: kernel.client };
      const current = await currentModelGraph(running, snapshot);
      assert.equal("graph" in current && current.graph.modelId, snapshot.modelId);

      const why = async (...args: Parameters<typeof currentModelGraph>) => {
        const answer = await currentModelGraph(...args);
        return "why" in answer ? answer.why : `a graph: ${JSON.stringify(answer).slice(0, 100)}`;
      };
      assert.match(await why(running, { ...snapshot, modelId: undefined }), /^This output was made by an older TF\.js Studio kernel: run the cell again/);
      assert.match(await why({ state: "dead", client: undefined }, snapshot), /^The notebook's kernel is not running, so the model is gone\.$/);
      const spinning = kernel.run("const until = Date.now() + 6000; while (Date.now() < until) {}", { timeoutMs: 30_000 });
      try {
        // Past the cell's compilation, into the loop.
        await delay(2000);
        assert.match(await why(running, snapshot, 500), /^The kernel did not answer within 0\.5 s: it is busy running code that does not yield\.$/);
      } finally {
        await spinning;
      }
    });

    it("says clearly why it has no current graph: another kernel's model, a disposed model, a malformed request", async () => {
      const fromElsewhere = await currentGraph("0b6f4c1e-0000-4000-8000-000000000000/1");
      assert.deepEqual([fromElsewhere.status, fromElsewhere.status === "error" && fromElsewhere.ename], ["error", "ModelFromAnotherKernel"]);
      assert.match(fromElsewhere.status === "error" ? fromElsewhere.evalue : "", /restarted or shut down since/);

      const built = await runOk(`import * as tf from "@tensorflow/tfjs";\nconst thrownAway = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });\nthrownAway`);
      const { modelId } = modelOutput(built.iopub, "execute_result")[MODEL_GRAPH_MIME] as ModelGraph;
      await runOk(`thrownAway.dispose();`);
      const disposed = await currentGraph(modelId);
      assert.equal(disposed.status === "error" && disposed.ename, "ModelUnreadable");
      assert.match(disposed.status === "error" ? disposed.evalue : "", /was model\.dispose\(\) called\?.*already disposed/);

      const malformed = await currentGraph(42);
      assert.equal(malformed.status === "error" && malformed.ename, "BadRequest");
      assert.match(malformed.status === "error" ? malformed.evalue : "", /model_id must be the modelId of a displayed model graph, not 42/);
    });
  });
});
