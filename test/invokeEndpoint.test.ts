// `tfjs-studio invoke` and the client code "Copy Client Code" gives, against a local endpoint serving an image model
// and a text model from the LSTM template: raw pixels and raw text in, labels with probabilities out.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import ts from "typescript";
import { packageRoot } from "../protocol/packageRoot";
import type { ServingManifest } from "../protocol/servingManifest";
import { clientSnippet } from "../serving/invoke/clientSnippets";
import { inspectModelDir, type PackageOptions } from "../serving/package/modelPackage";
import { writeModelPackage } from "../serving/package/writeModelPackage";
import { startModelServer, type RunningModelServer } from "../serving/server/modelServer";
import { TextClassifier, buildModel } from "../templates/lstm-text-classification/classifier";
import { Tokenizer } from "../templates/lstm-text-classification/tokenizer";
import { registerFileSystemIO } from "../tfjs/io/fileSystemIO";
import { runCli, runProcess } from "./support/cli";

const SHAPES = ["circle", "square", "triangle"];
/** Two 4x4 grey images, pixel values 0-255 as a camera gives them. */
const PIXELS = [0, 1].map((image) => Array.from({ length: 4 }, (_, row) => Array.from({ length: 4 }, (_, column) => [(image * 97 + row * 40 + column * 15) % 256])));
const REVIEWS = ["a wonderful film, loved it", "dull and far too long", "the acting was wonderful", "boring plot, awful ending", "loved the music", "awful, dull dialogue"];
const SENTIMENTS = ["positive", "negative", "positive", "negative", "positive", "negative"];

/** "[0] square 0.4012 · circle 0.3300 · triangle 0.2688": the labels and probabilities invoke printed. */
function printedRows(stdout: string): [string, number][][] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => [...line.replace(/^\[\d+\] /, "").split(" · ")].map((entry) => entry.split(" ")).map(([label, value]) => [label, Number(value)] as [string, number]));
}

/** Labels and probabilities from the most likely down, as invoke and the snippets should show them. */
function ranked(probabilities: number[], labels: string[]): [string, number][] {
  return probabilities.map((p, k) => [labels[k], p] as [string, number]).sort((a, b) => b[1] - a[1]);
}

function assertRanked(actual: [string, number][], expected: [string, number][], what: string): void {
  assert.deepEqual(actual.map(([label]) => label), expected.map(([label]) => label), `${what}: labels from the most likely down`);
  actual.forEach(([, value], k) => assert.ok(Math.abs(value - expected[k][1]) < 1e-4, `${what}: ${value}, in process ${expected[k][1]}`));
}

describe("tfjs-studio invoke and the client code", function () {
  this.timeout(120_000);
  let work: string;
  let imageServer: RunningModelServer;
  let textServer: RunningModelServer;
  let imageExpected: number[][];
  let textExpected: number[][];
  let imageManifest: ServingManifest;
  let textManifest: ServingManifest;

  async function serve(dir: string, options: PackageOptions): Promise<{ server: RunningModelServer; manifest: ServingManifest }> {
    const modelPackage = await inspectModelDir(tf, dir, options);
    await writeModelPackage(modelPackage, `${dir}.tar.gz`);
    const server = await startModelServer({ source: `${dir}.tar.gz`, port: 0, log: false });
    await server.loaded;
    return { server, manifest: modelPackage.manifest };
  }

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-invoke-"));
    await tf.setBackend("cpu");
    // tfjs's IO registry is global in this process: another test file may have registered file:// already.
    if (tf.io.getSaveHandlers(`file://${work}`).length === 0) registerFileSystemIO(tf, work);

    const image = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    imageExpected = tf.tidy(() => (image.predict(tf.tensor4d(PIXELS).div(255)) as tf.Tensor).arraySync() as number[][]);
    await image.save(`file://${path.join(work, "shapes")}`);
    fs.writeFileSync(path.join(work, "shapes", "labels.json"), JSON.stringify(SHAPES));
    image.dispose();

    // The LSTM template's own classifier, trained a little, saved as its notebook saves it.
    const tokenizer = Tokenizer.fit(REVIEWS, { vocabSize: 30, maxLength: 8 });
    const model = buildModel({ vocabSize: 30, maxLength: 8, numClasses: 2, embeddingDim: 8, lstmUnits: 8 });
    const classifier = new TextClassifier(model, tokenizer, ["positive", "negative"]);
    const y = tf.oneHot(tf.tensor1d(SENTIMENTS.map((label) => classifier.labels.indexOf(label)), "int32"), 2);
    await model.fit(tf.tensor2d(tokenizer.encode(REVIEWS), undefined, "int32"), y, { epochs: 3, verbose: 0 });
    textExpected = await classifier.probabilities(REVIEWS.slice(0, 2));
    await classifier.save(path.join(work, "reviews"));
    model.dispose();

    ({ server: imageServer, manifest: imageManifest } = await serve(path.join(work, "shapes"), { scale: 1 / 255 }));
    ({ server: textServer, manifest: textManifest } = await serve(path.join(work, "reviews"), {}));
  });

  after(async () => {
    await imageServer?.close();
    await textServer?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("sends raw text to a text model and prints its labels with probabilities, and the latency", async () => {
    const { code, stdout, stderr } = await runCli(["invoke", textServer.url, "--text", REVIEWS[0]]);
    assert.equal(code, 0, stderr);
    assertRanked(printedRows(stdout)[0], ranked(textExpected[0], ["positive", "negative"]), "text");
    assert.match(stderr, /\/invocations: 200 in \d+\.\d ms/);
  });

  it("sends a JSON file of raw pixels to an image model, by SageMaker's and TensorFlow Serving's routes", async () => {
    const file = path.join(work, "pixels.json");
    fs.writeFileSync(file, JSON.stringify(PIXELS));
    const { code, stdout, stderr } = await runCli(["invoke", imageServer.url, "--data", file]);
    assert.equal(code, 0, stderr);
    const rows = printedRows(stdout);
    [0, 1].forEach((i) => assertRanked(rows[i], ranked(imageExpected[i], SHAPES), `image ${i}`));

    const predict = await runCli(["invoke", `${imageServer.url}/v1/models/shapes:predict`, "--data", file, "--json"]);
    assert.equal(predict.code, 0, predict.stderr);
    const { predictions } = JSON.parse(predict.stdout) as { predictions: number[][] };
    predictions.forEach((row, i) => row.forEach((value, k) => assert.ok(Math.abs(value - imageExpected[i][k]) < 1e-5)));
  });

  it("sends an .npy file that numpy.save wrote (uint8 pixels) to an image model as application/x-npy", async () => {
    const file = path.join(work, "pixels.npy");
    const saved = await runProcess("python3", ["-c", "import json, sys, numpy; numpy.save(sys.argv[1], numpy.array(json.loads(sys.argv[2]), dtype=numpy.uint8))", file, JSON.stringify(PIXELS)]);
    assert.equal(saved.code, 0, saved.stderr);
    const { code, stdout, stderr } = await runCli(["invoke", imageServer.url, "--data", file]);
    assert.equal(code, 0, stderr);
    const rows = printedRows(stdout);
    [0, 1].forEach((i) => assertRanked(rows[i], ranked(imageExpected[i], SHAPES), `image ${i}`));

    const predict = await runCli(["invoke", `${imageServer.url}/v1/models/shapes:predict`, "--data", file]);
    assert.equal(predict.code, 1);
    assert.match(predict.stderr, /an \.npy array goes to SageMaker's \/invocations only/);
  });

  it("says what went wrong: the endpoint's own error, no endpoint, not a URL, a file that is not JSON", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const notJson = path.join(work, "notes.txt");
    fs.writeFileSync(notJson, "instances: 1, 2, 3");
    const ragged = path.join(work, "ragged.json");
    fs.writeFileSync(ragged, JSON.stringify({ instances: [[[[1], [2], [3], [4]], [[1]]]] }));
    const wrongShape = path.join(work, "wrong.json");
    fs.writeFileSync(wrongShape, JSON.stringify({ instances: [[1, 2, 3]] }));
    const cases: [string[], RegExp][] = [
      [["invoke", imageServer.url, "--data", wrongShape], /answered 400: instances\[0\]: got shape \[3\], but .* takes float32 values of shape \[4, 4, 1\]/],
      [["invoke", imageServer.url, "--data", ragged], /answered 400: instances\[0\]: a ragged list; every list at depth 2 must have 4 entries/],
      [["invoke", `http://127.0.0.1:${closedPort}/`, "--text", "hello"], new RegExp(`no answer from http://127\\.0\\.0\\.1:${closedPort}/invocations \\(ECONNREFUSED\\): is the endpoint running\\?`)],
      [["invoke", "my-endpoint", "--text", "hello"], /to call SageMaker endpoint my-endpoint, give its region: --region REGION/],
      [["invoke", "my endpoint!", "--text", "hello"], /"my endpoint!" is neither an http:\/\/ URL .* nor a SageMaker endpoint name/],
      [["invoke", imageServer.url, "--data", path.join(work, "shapes", "model.json.missing")], /cannot read .*model\.json\.missing/],
      [["invoke", textServer.url, "--data", notJson], /notes\.txt is not JSON/],
      [["invoke", imageServer.url, "--text", "a square"], /answered 400: a text\/plain body is raw text, which only a text model takes/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args, { env: { ...process.env, AWS_REGION: "", AWS_DEFAULT_REGION: "" } });
      assert.equal(code, 1, `${args.join(" ")}: ${stderr}`);
      assert.match(stderr, message);
    }
    const usage = await runCli(["invoke", textServer.url]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /give --data FILE\.json or --text/);
  });

  describe("client code", () => {
    it("Python (boto3) calls the local endpoint through SageMaker's runtime API", async () => {
      for (const [server, manifest] of [[textServer, textManifest], [imageServer, imageManifest]] as const) {
        const result = await runProcess("python3", ["-c", clientSnippet("python", { url: server.url, manifest })], { killAfterMs: 60_000 });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, manifest.name === "reviews" ? /\['positive', 'negative'\] \[\[0\.\d+, 0\.\d+\]\]/ : /\['circle', 'square', 'triangle'\] \[\[0\.\d+, 0\.\d+, 0\.\d+\]\]/);
      }
    });

    it("TypeScript (AWS SDK v3) calls it the same way", async () => {
      // Beside the package, so that the snippet's import finds @aws-sdk/client-sagemaker-runtime in node_modules.
      const dir = fs.mkdtempSync(path.join(packageRoot(), ".cache", "snippet-"));
      try {
        const file = path.join(dir, "invoke.mjs");
        const source = clientSnippet("typescript", { url: textServer.url, manifest: textManifest });
        fs.writeFileSync(file, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
        const result = await runProcess(process.execPath, [file], { killAfterMs: 60_000 });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /\[ 'positive', 'negative' \] \[ \[ 0\.\d+, 0\.\d+ \] \]/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("curl gets the prediction with labels", async () => {
      const result = await runProcess("sh", ["-c", clientSnippet("curl", { url: imageServer.url, manifest: imageManifest })], { killAfterMs: 60_000 });
      assert.equal(result.code, 0, result.stderr);
      const answer = JSON.parse(result.stdout) as { predictions: number[][]; labels: string[] };
      assert.deepEqual([answer.labels, answer.predictions[0].length], [SHAPES, 3]);
    });

    it("an SDK's bad request gets the server's message as the SDK's error", async () => {
      const snippet = clientSnippet("python", { url: imageServer.url, manifest: imageManifest }).replace(/Body=.*\n/, 'Body=\'{"instances": [[1]]}\',\n');
      const result = await runProcess("python3", ["-c", snippet], { killAfterMs: 60_000 });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /ValidationError.*instances\[0\]: got shape \[1\]/);
    });
  });
});
