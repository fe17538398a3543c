// `tfjs-studio package`: what it checks in a model folder before writing, and the model.tar.gz it writes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tar from "tar";
import { packageRoot } from "../protocol/packageRoot";
import { servingManifestProblem, type ServingManifest } from "../protocol/servingManifest";
import { fileSystemHandler } from "../tfjs/io/fileSystemIO";

const CLI = path.join(packageRoot(), "bin", "tfjs-studio");

function runPackage(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, "package", ...args], { cwd, encoding: "utf8", env: { ...process.env, TFJS_STUDIO_BACKEND: "" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function saveClassifier(dir: string): Promise<void> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })] });
  await model.save(fileSystemHandler(tf, dir));
  model.dispose();
}

async function saveTextModel(dir: string, files: { vocab?: boolean; labels?: boolean; tokenizer?: boolean } = { vocab: true, labels: true, tokenizer: true }): Promise<void> {
  const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: "softmax" })] });
  await model.save(fileSystemHandler(tf, dir));
  model.dispose();
  if (files.vocab) fs.writeFileSync(path.join(dir, "vocab.json"), JSON.stringify(["<pad>", "<oov>", "good", "bad"]));
  if (files.labels) fs.writeFileSync(path.join(dir, "labels.json"), JSON.stringify(["negative", "positive"]));
  if (files.tokenizer) fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({ vocabSize: 20, maxLength: 6, lowercase: true, punctuation: "strip", padding: "pre", truncating: "post" }));
}

async function archiveEntries(file: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  await tar.list({
    file,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => entries.set(entry.path, Buffer.concat(chunks)));
    },
  });
  return entries;
}

describe("tfjs-studio package", function () {
  this.timeout(60_000);
  let work: string;

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-package-"));
  });

  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("writes a layers model at the archive's root with serving.json, and prints the tree and sizes", async () => {
    const dir = path.join(work, "iris-classifier");
    await saveClassifier(dir);
    fs.writeFileSync(path.join(dir, "labels.json"), JSON.stringify(["setosa", "versicolor", "virginica"]));
    fs.writeFileSync(path.join(dir, "notes.txt"), "not part of the model");
    const { status, stdout, stderr } = runPackage(["iris-classifier", "--version", "3", "--scale", "1/255"], work);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /model\.tar\.gz \([\d.]+ kB\)/);
    assert.match(stdout, /├── weights\.bin +\d+ B/);
    assert.match(stdout, /└── serving\.json/);

    const entries = await archiveEntries(path.join(work, "model.tar.gz"));
    assert.deepEqual([...entries.keys()], ["model.json", "weights.bin", "labels.json", "serving.json"], "the model at the root, nothing else of the folder");
    assert.deepEqual(entries.get("weights.bin"), fs.readFileSync(path.join(dir, "weights.bin")));
    const manifest = JSON.parse(entries.get("serving.json")!.toString("utf8")) as ServingManifest;
    assert.equal(servingManifestProblem(manifest), undefined);
    assert.equal(manifest.name, "iris-classifier");
    assert.equal(manifest.version, "3");
    assert.equal(manifest.format, "layers-model");
    assert.deepEqual(manifest.inputs.map(({ shape, dtype }) => ({ shape, dtype })), [{ shape: [null, 4], dtype: "float32" }]);
    assert.deepEqual(manifest.outputs.map(({ shape }) => shape), [[null, 3]]);
    assert.deepEqual(manifest.labels, ["setosa", "versicolor", "virginica"]);
    assert.deepEqual(manifest.preprocessing, { kind: "image", scale: 1 / 255 });
  });

  it("packages a text model with its vocabulary, labels and tokenizer settings", async () => {
    const dir = path.join(work, "reviews");
    await saveTextModel(dir);
    const { status, stderr } = runPackage(["reviews", "--out", "out/reviews.tar.gz"], work);
    assert.equal(status, 0, stderr);
    const entries = await archiveEntries(path.join(work, "out", "reviews.tar.gz"));
    assert.deepEqual([...entries.keys()].sort(), ["labels.json", "model.json", "serving.json", "tokenizer.json", "vocab.json", "weights.bin"]);
    const manifest = JSON.parse(entries.get("serving.json")!.toString("utf8")) as ServingManifest;
    assert.deepEqual(manifest.labels, ["negative", "positive"]);
    assert.equal(manifest.preprocessing.kind, "text");
    assert.equal(manifest.preprocessing.kind === "text" && manifest.preprocessing.tokenizer.maxLength, 6);
  });

  it("reads a graph model's signature", async () => {
    const dir = path.join(work, "graph");
    fs.mkdirSync(dir);
    const placeholder = { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: [{ size: "-1" }, { size: "2" }] } } } };
    const identity = { name: "y", op: "Identity", input: ["x"], attr: { T: { type: "DT_FLOAT" } } };
    fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify({ format: "graph-model", modelTopology: { node: [placeholder, identity], versions: { producer: 1 } }, weightsManifest: [{ paths: [], weights: [] }] }));
    const { status, stderr } = runPackage(["graph"], work);
    assert.equal(status, 0, stderr);
    const manifest = JSON.parse((await archiveEntries(path.join(work, "model.tar.gz"))).get("serving.json")!.toString("utf8")) as ServingManifest;
    assert.equal(manifest.format, "graph-model");
    assert.deepEqual(manifest.inputs, [{ name: "x", shape: [null, 2], dtype: "float32" }]);
    assert.deepEqual(manifest.outputs.map((output) => output.name), ["y"]);
  });

  describe("refuses a model folder that would fail to serve, naming the file and what is wrong, and writes nothing", () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      ["a missing weight file", async (dir) => fs.rmSync(path.join(dir, "weights.bin")), /weights\.bin does not exist/],
      [
        "a truncated weight file",
        async (dir) => fs.truncateSync(path.join(dir, "weights.bin"), 100),
        /weights\.bin has 100 bytes, but the manifest's 4 weights for it take \d+ bytes/,
      ],
      [
        "a weight path that leaves the folder",
        async (dir) => {
          const file = path.join(dir, "model.json");
          const json = JSON.parse(fs.readFileSync(file, "utf8")) as { weightsManifest: { paths: string[] }[] };
          json.weightsManifest[0].paths = ["../../etc/passwd"];
          fs.writeFileSync(file, JSON.stringify(json));
        },
        /model\.json: its weights path "\.\.\/\.\.\/etc\/passwd" leaves the model's directory/,
      ],
      ["a model.json that is not JSON", async (dir) => fs.writeFileSync(path.join(dir, "model.json"), "{ nope"), /model\.json: not valid JSON/],
      ["a model.json without a topology", async (dir) => fs.writeFileSync(path.join(dir, "model.json"), "{}"), /model\.json: it has no modelTopology/],
      ["labels that do not match the classes", async (dir) => fs.writeFileSync(path.join(dir, "labels.json"), '["a", "b"]'), /labels\.json: has 2 labels, but the model's output .* has 3 classes/],
    ];
    for (const [what, spoil, message] of cases) {
      it(what, async () => {
        const dir = path.join(work, "model");
        await saveClassifier(dir);
        await spoil(dir);
        const { status, stderr } = runPackage(["model"], work);
        assert.equal(status, 1);
        assert.match(stderr, message);
        assert.equal(fs.existsSync(path.join(work, "model.tar.gz")), false, "an archive was written");
        assert.deepEqual(fs.readdirSync(work), ["model"], "something was left behind");
      });
    }

    it("a text model without its vocabulary", async () => {
      const dir = path.join(work, "reviews");
      await saveTextModel(dir, { labels: true, tokenizer: true });
      const { status, stderr } = runPackage(["reviews"], work);
      assert.equal(status, 1);
      assert.match(stderr, /reviews\/vocab\.json: missing\. A text model needs vocab\.json, labels\.json, tokenizer\.json together/);
    });

    it("a text model whose tokenizer makes sequences of another length than the model reads", async () => {
      const dir = path.join(work, "reviews");
      await saveTextModel(dir);
      fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({ vocabSize: 20, maxLength: 9, lowercase: true, punctuation: "strip", padding: "pre", truncating: "post" }));
      const { status, stderr } = runPackage(["reviews"], work);
      assert.equal(status, 1);
      assert.match(stderr, /tokenizer\.json: maxLength is 9, but the model's input .* takes 6 word ids/);
    });

    it("an Embedding model with no vocabulary at all, unless --raw-ids", async () => {
      const dir = path.join(work, "ids");
      await saveTextModel(dir, {});
      const refused = runPackage(["ids"], work);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /an Embedding model needs vocab\.json, labels\.json, tokenizer\.json .* --raw-ids/);
      assert.equal(runPackage(["ids", "--raw-ids"], work).status, 0);
    });

    it("a folder that does not exist, and bad options", () => {
      assert.match(runPackage(["nowhere"], work).stderr, /nowhere: no such folder/);
      const badScale = runPackage(["nowhere", "--scale", "1/0"], work);
      assert.equal(badScale.status, 2);
      assert.match(badScale.stderr, /--scale 1\/0 is not a positive number/);
    });
  });
});
