// `tfjs-studio serve`: the three protocols answer what model.predict answers in process, concurrent requests are
// batched, bad requests get a JSON error that says what was expected, /ping says when the model is ready, SIGTERM
// lets the requests in flight finish, and a load test on 127.0.0.1 sees no errors.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import autocannon from "autocannon";
import * as npy from "npyjs";
import * as tf from "@tensorflow/tfjs";
import { packageRoot } from "../protocol/packageRoot";
import { inspectModelDir, type PackageOptions } from "../serving/package/modelPackage";
import { writeModelPackage } from "../serving/package/writeModelPackage";
import { startModelServer, type RunningModelServer } from "../serving/server/modelServer";
import { parseReadyLine } from "../serving/server/readyLine";
import { loadServedModel, type ServedModel } from "../serving/server/servedModel";
import { fileSystemHandler } from "../tfjs/io/fileSystemIO";

const IMAGE_ROWS = [
  [0.1, 0.2, 0.3, 0.4],
  [1, 0, -1, 0.5],
  [3, 2, 1, 0],
];
const TEXTS = ["Good, good!", "bad", "good bad unknown"];
/** TEXTS as the packaged tokenizer makes them: lowercased, punctuation stripped, unknown words 1, padded before. */
const TEXT_IDS = [
  [0, 0, 0, 0, 2, 2],
  [0, 0, 0, 0, 0, 3],
  [0, 0, 0, 2, 3, 1],
];

interface Json {
  [key: string]: unknown;
}

async function packageModel(model: tf.LayersModel, dir: string, extraFiles: Record<string, unknown>, options: PackageOptions): Promise<string> {
  await model.save(fileSystemHandler(tf, dir));
  for (const [name, value] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, name), JSON.stringify(value));
  const archive = `${dir}.tar.gz`;
  await writeModelPackage(await inspectModelDir(tf, dir, options), archive);
  return archive;
}

async function post(url: string, body: unknown, contentType = "application/json"): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Json };
}

async function postBytes(url: string, body: Buffer): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/x-npy" }, body });
  return { status: response.status, json: (await response.json()) as Json };
}

async function get(url: string): Promise<{ status: number; json: Json }> {
  const response = await fetch(url);
  return { status: response.status, json: (await response.json()) as Json };
}

function assertClose(actual: unknown, expected: number[][], what: string): void {
  const rows = actual as number[][];
  assert.equal(rows.length, expected.length, `${what}: one prediction an instance`);
  rows.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(value - expected[i][j]) < 1e-5, `${what}[${i}][${j}]: ${value}, in process ${expected[i][j]}`)));
}

/** The sum and count of the batch-size histogram in /metrics: how many instances went in how many batches. */
async function batchSizes(url: string): Promise<{ instances: number; batches: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { instances: value("tfjs_studio_batch_size_sum"), batches: value("tfjs_studio_batch_size_count") };
}

describe("tfjs-studio serve", function () {
  this.timeout(120_000);
  let work: string;
  let imageArchive: string;
  let textArchive: string;
  let imageExpected: number[][];
  let textExpected: number[][];
  let imageServer: RunningModelServer;
  let textServer: RunningModelServer;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-serve-"));
    await tf.setBackend("cpu");
    const image = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    imageExpected = (image.predict(tf.tensor2d(IMAGE_ROWS)) as tf.Tensor).arraySync() as number[][];
    imageArchive = await packageModel(image, path.join(work, "iris"), { "labels.json": ["setosa", "versicolor", "virginica"] }, { version: "2" });
    const text = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: "softmax" })] });
    textExpected = (text.predict(tf.tensor2d(TEXT_IDS, undefined, "int32")) as tf.Tensor).arraySync() as number[][];
    textArchive = await packageModel(
      text,
      path.join(work, "reviews"),
      {
        "vocab.json": ["<pad>", "<oov>", "good", "bad"],
        "labels.json": ["negative", "positive"],
        "tokenizer.json": { vocabSize: 20, maxLength: 6, lowercase: true, punctuation: "strip", padding: "pre", truncating: "post" },
      },
      {},
    );
    image.dispose();
    text.dispose();
    // A 30 ms window, so that requests sent together are sure to meet in a batch on a busy machine.
    // One after the other: tfjs has one global backend, which each server's backend selection sets.
    imageServer = await startModelServer({ source: imageArchive, port: 0, log: false, maxDelayMs: 30 });
    await imageServer.loaded;
    textServer = await startModelServer({ source: textArchive, port: 0, log: false });
    await textServer.loaded;
  });

  after(async () => {
    await imageServer?.close();
    await textServer?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("answers model.predict's predictions on every route of SageMaker's contract, TensorFlow Serving and Open Inference v2", async () => {
    const url = imageServer.url;
    const invocations = await post(`${url}/invocations`, { instances: IMAGE_ROWS });
    assert.equal(invocations.status, 200, JSON.stringify(invocations.json));
    assertClose(invocations.json.predictions, imageExpected, "/invocations instances");
    assert.deepEqual(invocations.json.labels, ["setosa", "versicolor", "virginica"], "the labels come with the probabilities");
    assertClose((await post(`${url}/invocations`, { inputs: IMAGE_ROWS })).json.predictions, imageExpected, "/invocations inputs");

    assertClose((await post(`${url}/v1/models/iris:predict`, { instances: IMAGE_ROWS })).json.predictions, imageExpected, ":predict instances");
    assertClose((await post(`${url}/v1/models/iris:predict`, { inputs: IMAGE_ROWS })).json.outputs, imageExpected, ":predict inputs");
    assertClose((await post(`${url}/v1/models/iris/versions/2:predict`, { instances: IMAGE_ROWS })).json.predictions, imageExpected, "versions/2:predict");

    const [input] = (await get(`${url}/v2/models/iris`)).json.inputs as { name: string }[];
    const infer = await post(`${url}/v2/models/iris/infer`, { id: "r1", inputs: [{ name: input.name, shape: [3, 4], datatype: "FP32", data: IMAGE_ROWS.flat() }] });
    assert.equal(infer.status, 200, JSON.stringify(infer.json));
    assert.equal(infer.json.id, "r1");
    const [output] = infer.json.outputs as { shape: number[]; datatype: string; data: number[] }[];
    assert.deepEqual([output.shape, output.datatype], [[3, 3], "FP32"]);
    assertClose([0, 1, 2].map((row) => output.data.slice(row * 3, row * 3 + 3)), imageExpected, "/v2 infer");
  });

  it("takes raw text for a text model, tokenized as it was trained, on every protocol", async () => {
    const url = textServer.url;
    const raw = await post(`${url}/invocations`, TEXTS[0], "text/plain");
    assert.equal(raw.status, 200, JSON.stringify(raw.json));
    assertClose(raw.json.predictions, [textExpected[0]], "/invocations text/plain");
    assert.deepEqual(raw.json.labels, ["negative", "positive"]);
    assertClose((await post(`${url}/invocations`, { instances: TEXTS })).json.predictions, textExpected, "/invocations strings");
    assertClose((await post(`${url}/v1/models/reviews:predict`, { instances: TEXTS })).json.predictions, textExpected, ":predict strings");
    assertClose((await post(`${url}/v1/models/reviews:predict`, { instances: TEXT_IDS })).json.predictions, textExpected, ":predict word ids");
    const infer = await post(`${url}/v2/models/reviews/infer`, { inputs: [{ name: "text", shape: [3], datatype: "BYTES", data: TEXTS }] });
    assert.equal(infer.status, 200, JSON.stringify(infer.json));
    const [output] = infer.json.outputs as { data: number[] }[];
    assertClose([0, 1, 2].map((row) => output.data.slice(row * 2, row * 2 + 2)), textExpected, "/v2 infer BYTES");
  });

  it("takes one NumPy array (application/x-npy) on /invocations, as the SageMaker Python SDK's NumpySerializer sends it", async () => {
    const url = imageServer.url;
    const npyBody = (data: npy.TypedArray, shape: number[]) => Buffer.from(npy.dump(data, shape));
    const float32 = await postBytes(`${url}/invocations`, npyBody(new Float32Array(IMAGE_ROWS.flat()), [3, 4]));
    assert.equal(float32.status, 200, JSON.stringify(float32.json));
    assertClose(float32.json.predictions, imageExpected, "/invocations float32 .npy");
    assertClose((await postBytes(`${url}/invocations`, npyBody(new Float64Array(IMAGE_ROWS.flat()), [3, 4]))).json.predictions, imageExpected, "float64 .npy");
    const integers = [[1, 2, 3, 4]];
    const integerExpected = await post(`${url}/invocations`, { instances: integers });
    assertClose((await postBytes(`${url}/invocations`, npyBody(new BigInt64Array(integers.flat().map(BigInt)), [1, 4]))).json.predictions, integerExpected.json.predictions as number[][], "int64 .npy (numpy's default integers)");

    const bad: [string, Buffer, string, number, RegExp][] = [
      ["wrong shape", npyBody(new Float32Array(6), [2, 3]), "/invocations", 400, /shape \(2, 3\), but .* takes a batch of float32 values of shape \[4\]: shape \(N, 4\)/],
      ["not .npy", Buffer.from("PK\u0003\u0004 not an array"), "/invocations", 400, /not a \.npy array/],
      ["empty", Buffer.alloc(0), "/invocations", 400, /empty/],
      ["NaN", npyBody(new Float32Array([1, NaN, 3, 4]), [1, 4]), "/invocations", 400, /NaN is not a finite number/],
      ["to TensorFlow Serving's route", npyBody(new Float32Array(4), [1, 4]), "/v1/models/iris:predict", 415, /only POST \/invocations takes application\/x-npy/],
    ];
    for (const [what, body, route, status, message] of bad) {
      const answer = await postBytes(`${url}${route}`, body);
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.json)}`);
      assert.match(String(answer.json.error), message, what);
    }
  });

  it("describes the model: status, signature and readiness", async () => {
    const url = imageServer.url;
    assert.equal((await fetch(`${url}/ping`)).status, 200);
    assert.deepEqual((await get(`${url}/v1/models/iris`)).json, { model_version_status: [{ version: "2", state: "AVAILABLE", status: { error_code: "OK", error_message: "" } }] });
    const signature = ((await get(`${url}/v1/models/iris/metadata`)).json.metadata as { signature_def: { signature_def: { serving_default: { inputs: Record<string, { dtype: string; tensor_shape: { dim: { size: string }[] } }> } } } }).signature_def.signature_def.serving_default;
    const [input] = Object.values(signature.inputs);
    assert.deepEqual([input.dtype, input.tensor_shape.dim.map((dim) => dim.size)], ["DT_FLOAT", ["-1", "4"]]);
    const v2 = (await get(`${url}/v2/models/iris`)).json;
    assert.deepEqual([v2.name, v2.versions, (v2.inputs as { shape: number[] }[])[0].shape], ["iris", ["2"], [-1, 4]]);
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
    assert.equal((await fetch(`${url}/v2/health/live`)).status, 200);
  });

  it("answers each bad request with a JSON error that says what was expected, and keeps serving", async () => {
    const url = imageServer.url;
    const cases: [string, () => Promise<{ status: number; json: Json }>, number, RegExp][] = [
      ["wrong shape", () => post(`${url}/invocations`, { instances: [[1, 2, 3]] }), 400, /instances\[0\]: got shape \[3\], but .* takes float32 values of shape \[4\]/],
      ["nested a hundred thousand deep", () => post(`${url}/invocations`, `{"instances": [${"[".repeat(100_000)}1${"]".repeat(100_000)}]}`), 400, /more dimensions than .* takes/],
      ["a list where a number belongs", () => post(`${url}/invocations`, { instances: [[[1, 2], [3]]] }), 400, /instances\[0\]: more dimensions than .* takes \(float32 values of shape \[4\] an instance\)/],
      ["wrong dtype", () => post(`${url}/invocations`, { instances: [[1, "two", 3, 4]] }), 400, /"two" is not a finite number/],
      ["text to an image model", () => post(`${url}/invocations`, "hello", "text/plain"), 400, /only a text model/],
      ["not JSON", () => post(`${url}/invocations`, "{instances: [1", "application/json"), 400, /not valid JSON/],
      ["empty body", () => post(`${url}/invocations`, "", "application/json"), 400, /empty/],
      ["no instances", () => post(`${url}/invocations`, { rows: [] }), 400, /"instances"/],
      ["unknown model", () => post(`${url}/v1/models/mnist:predict`, { instances: IMAGE_ROWS }), 400, /no model "mnist" here; this server serves "iris"/],
      ["unknown version", () => post(`${url}/v1/models/iris/versions/9:predict`, { instances: IMAGE_ROWS }), 400, /has no version 9/],
      ["v2 wrong datatype", () => post(`${url}/v2/models/iris/infer`, { inputs: [{ name: "x", shape: [1, 4], datatype: "INT32", data: [1, 2, 3, 4] }] }), 400, /datatype INT32, but the model takes FP32/],
      ["v2 data and shape disagree", () => post(`${url}/v2/models/iris/infer`, { inputs: [{ name: "x", shape: [2, 4], datatype: "FP32", data: [1, 2, 3, 4] }] }), 400, /holds 8 values/],
      ["unsupported content type", () => post(`${url}/invocations`, "<instances/>", "application/xml"), 415, /unsupported content type/],
      ["over SageMaker's 6 MB", () => post(`${url}/invocations`, `{"instances": [[1, 2, 3, 4]]${" ".repeat(6_500_000)}}`), 413, /larger than this server's limit/],
    ];
    for (const [what, send, status, message] of cases) {
      const { status: actual, json } = await send();
      assert.equal(actual, status, `${what}: ${JSON.stringify(json)}`);
      assert.match(String(json.error), message, what);
    }
    assertClose((await post(`${url}/invocations`, { instances: IMAGE_ROWS })).json.predictions, imageExpected, "after the bad requests");
  });

  it("predicts requests that arrive together in one batch", async () => {
    const before = await batchSizes(imageServer.url);
    const answers = await Promise.all(IMAGE_ROWS.flatMap((row) => [0, 1, 2, 3].map(() => post(`${imageServer.url}/invocations`, { instances: [row] }))));
    answers.forEach((answer, i) => assertClose(answer.json.predictions, [imageExpected[Math.floor(i / 4)]], `request ${i}`));
    const after = await batchSizes(imageServer.url);
    assert.equal(after.instances - before.instances, 12);
    assert.ok(after.batches - before.batches < 12, `12 concurrent requests went through the model in ${after.batches - before.batches} batches`);
  });

  it("says 503 on /ping until the model is loaded, and why when it cannot be", async () => {
    let release!: (model: ServedModel) => void;
    const held = new Promise<ServedModel>((resolve) => (release = resolve));
    const server = await startModelServer({ source: imageArchive, port: 0, log: false, load: () => held });
    try {
      assert.equal((await fetch(`${server.url}/ping`)).status, 503);
      assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 503);
      assert.equal((await get(`${server.url}/v2/health/live`)).status, 200, "alive while loading");
      const early = await post(`${server.url}/invocations`, { instances: IMAGE_ROWS });
      assert.equal(early.status, 503);
      assert.match(String(early.json.error), /still loading/);
      release(await loadServedModel(imageArchive));
      await server.loaded;
      assert.equal((await fetch(`${server.url}/ping`)).status, 200);
    } finally {
      await server.close();
    }

    const broken = await startModelServer({ source: path.join(work, "missing.tar.gz"), port: 0, log: false });
    try {
      await assert.rejects(broken.loaded, /no such file or folder/);
      const ping = await get(`${broken.url}/ping`);
      assert.equal(ping.status, 503);
      assert.match(String(ping.json.error), /missing\.tar\.gz: no such file/);
    } finally {
      await broken.close();
    }
  });

  it("finishes the requests in flight on SIGTERM, then exits", async () => {
    // A one-second batching window keeps the requests in flight when the signal comes.
    const child = spawn(process.execPath, [path.join(packageRoot(), "bin", "tfjs-studio"), "serve", imageArchive, "--port", "0", "--max-delay-ms", "1000"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          const ready = parseReadyLine(stderr);
          if (ready) resolve(ready.url);
        });
        void exited.then(() => reject(new Error(`serve exited before it was ready:\n${stderr}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, "serve listens on 127.0.0.1 by default");
      const inFlight = IMAGE_ROWS.map((row) => post(`${url}/invocations`, { instances: [row] }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGTERM");
      const answers = await Promise.all(inFlight);
      answers.forEach((answer, i) => {
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
        assertClose(answer.json.predictions, [imageExpected[i]], `in-flight request ${i}`);
      });
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /SIGTERM: finishing the requests in flight/);
      await assert.rejects(fetch(`${url}/ping`), "nothing listens after the exit");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("serves a bounded load with no errors, while bad requests arrive beside it", async () => {
    const load = (body: string, amount: number) =>
      autocannon({ url: `${imageServer.url}/invocations`, method: "POST", headers: { "content-type": "application/json" }, body, connections: 8, amount, timeout: 20 });
    const [valid, invalid] = await Promise.all([load(JSON.stringify({ instances: IMAGE_ROWS }), 600), load(JSON.stringify({ instances: [[1, 2]] }), 200)]);
    assert.deepEqual({ errors: valid.errors, timeouts: valid.timeouts, non2xx: valid.non2xx, ok: valid["2xx"] }, { errors: 0, timeouts: 0, non2xx: 0, ok: 600 });
    assert.deepEqual({ errors: invalid.errors, "4xx": invalid["4xx"] }, { errors: 0, "4xx": 200 }, "every bad request got its 400");
  });
});
