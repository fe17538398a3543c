/// <reference path="../kernel/types/tfjs-studio.d.ts" />
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { DownloadError, downloadFile } from "../kernel/datasets/download";
import { provideInKernelModulesToRequire } from "../kernel/execution/inKernelRequire";
import { installTsRequireHook } from "../kernel/execution/tsRequireHook";
import { packageRoot } from "../protocol/packageRoot";
import { studioModule } from "../kernel/inKernelModules/studioModule";
import { scaffoldTemplate } from "../common/templateScaffold";
import { loadTypeScript } from "../kernel/typescript/loadTypeScript";
import { tempDir } from "./support/studioKernel";
import { type FileServer, idxBytes, serveFiles, sha256Of, syntheticMnistFiles, unreachableBaseUrl, writeFiles } from "./support/syntheticMnist";

type DataModule = typeof import("../templates/mnist-mlp/data");

/** The template's data.ts, loaded as the kernel loads a notebook's local module. */
function loadDataModule(): DataModule {
  installTsRequireHook(loadTypeScript());
  provideInKernelModulesToRequire({ "tfjs-studio": studioModule });
  return require(path.join(packageRoot(), "templates", "mnist-mlp", "data.ts"));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the promise to reject");
}

describe("MNIST data.ts", function () {
  this.timeout(60_000);
  let data: DataModule;
  let dir: string;
  const savedCache = process.env.TFJS_STUDIO_CACHE;

  before(async () => {
    data = loadDataModule();
    // Other test files in this process may have loaded the wasm backend, which then outranks cpu uninitialized.
    await (require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs")).setBackend("cpu");
  });
  beforeEach(() => {
    dir = tempDir("tfjs-mnist-");
    process.env.TFJS_STUDIO_CACHE = path.join(dir, "cache");
  });
  afterEach(() => {
    if (savedCache === undefined) delete process.env.TFJS_STUDIO_CACHE;
    else process.env.TFJS_STUDIO_CACHE = savedCache;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("parses raw and gzipped IDX files alike", () => {
    const raw = idxBytes([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]));
    for (const bytes of [raw, gzipSync(raw)]) {
      const parsed = data.parseIdx(bytes, "test.idx");
      assert.deepEqual(parsed.shape, [2, 3]);
      assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6]);
    }
  });

  it("rejects files that are not unsigned-byte IDX, or truncated, with clear errors", () => {
    assert.throws(() => data.parseIdx(Buffer.from("PK\x03\x04 a zip file"), "x.zip"), /x\.zip is not an IDX file: it starts with 0x50 0x4b 0x03 0x04/);
    const floats = idxBytes([1], Uint8Array.from([0, 0, 0, 0]));
    floats[2] = 0x0d;
    assert.throws(() => data.parseIdx(floats, "floats.idx"), /floats\.idx holds float32 values; only unsigned bytes/);
    const truncated = idxBytes([10, 28, 28], new Uint8Array(100));
    assert.throws(() => data.parseIdx(gzipSync(truncated), "short.gz"), /short\.gz has 100 bytes of data but its header \[10, 28, 28\] announces 7840/);
    assert.throws(() => data.parseIdx(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), "bad.gz"), /bad\.gz looks gzipped but cannot be decompressed/);
  });

  it("reads a folder and batches normalised, one-hot data through tf.data", async () => {
    writeFiles(path.join(dir, "idx"), syntheticMnistFiles(100, 30, false));
    const mnist = await data.loadMnist({ dir: path.join(dir, "idx"), limit: 50, validationSplit: 0.2 });
    assert.deepEqual([mnist.trainCount, mnist.validationCount, mnist.testCount], [40, 10, 30]);
    const batches = await mnist.trainDataset(16, "image").toArray();
    assert.deepEqual(batches.map((b) => b.xs.shape), [[16, 28, 28, 1], [16, 28, 28, 1], [8, 28, 28, 1]]);
    const [first] = await mnist.validationDataset(64, "flat").toArray();
    assert.deepEqual(first.xs.shape, [10, 784]);
    const pixels = first.xs.dataSync();
    assert.ok(Math.max(...pixels) <= 1 && Math.min(...pixels) >= 0 && Math.max(...pixels) > 0.75);
    assert.deepEqual(Array.from(first.ys.sum(1).dataSync()), new Array(10).fill(1));
  });

  it("reads Fashion-MNIST from Debian's dataset-fashion-mnist folder", async () => {
    const mnist = await data.loadMnist({ dataset: "fashion-mnist", limit: 100, testLimit: 50 });
    assert.equal(mnist.source, data.FASHION_MNIST_DIR);
    assert.deepEqual([mnist.trainCount, mnist.validationCount, mnist.testCount], [90, 10, 50]);
    assert.equal(mnist.labelNames[9], "Ankle boot");
    // The first test image of Fashion-MNIST is an ankle boot.
    assert.equal(mnist.testLabel(0), 9);
  });

  it("finds a data/ folder next to the notebook before downloading", async () => {
    writeFiles(path.join(dir, "data"), syntheticMnistFiles(20, 10, true));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const mnist = await data.loadMnist({ baseUrl: await unreachableBaseUrl() });
      assert.equal(mnist.source, path.join(dir, "data"));
      assert.equal(mnist.testCount, 10);
    } finally {
      process.chdir(cwd);
    }
  });

  it("names the missing files of a folder", async () => {
    writeFiles(dir, new Map([["train-images-idx3-ubyte.gz", Buffer.alloc(0)]]));
    const error = await rejection(data.loadMnist({ dir }));
    assert.match(error.message, /does not have the MNIST files train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\)/);
  });

  it("deletes a download whose checksum does not match, and says so", async () => {
    const files = syntheticMnistFiles(20, 10, true);
    const server = await serveFiles(files);
    try {
      const sha256 = { ...sha256Of(files), "t10k-images-idx3-ubyte.gz": "0".repeat(64) };
      const error = await rejection(data.loadMnist({ baseUrl: server.baseUrl, sha256 }));
      assert.match(error.message, /t10k-images-idx3-ubyte\.gz from http:\/\/127\.0\.0\.1:\d+\/mnist\/t10k-images-idx3-ubyte\.gz is corrupt or not the expected file: its sha256 is [0-9a-f]{64}, expected 0{64}\. The download was deleted/);
      const cached = fs.readdirSync(path.join(dir, "cache", "mnist")).sort();
      assert.deepEqual(cached, ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]);
    } finally {
      await server.close();
    }
  });

  it("explains how to work offline when the server cannot be reached", async () => {
    const error = await rejection(data.loadMnist({ baseUrl: await unreachableBaseUrl() }));
    assert.equal(error.name, "DownloadError");
    assert.match(error.message, /Cannot download train-images-idx3-ubyte\.gz from http:\/\/127\.0\.0\.1:\d+\/mnist\/train-images-idx3-ubyte\.gz \(after 3 attempts\): the network request failed \(.*ECONNREFUSED.*\)/);
    assert.match(error.message, /put the four MNIST IDX files .* in a folder and pass it as `dir` \(the notebooks read the MNIST_DIR environment variable\)/);
  });
});

describe("downloadFile", function () {
  this.timeout(30_000);
  let dir: string;
  let server: http.Server;
  let baseUrl: string;
  let requests: string[];
  let failuresLeft: number;
  const body = Buffer.from("some data set bytes\n".repeat(1000));
  const bodySha256 = sha256Of(new Map([["x", body]])).x;

  beforeEach(async () => {
    dir = tempDir("tfjs-download-");
    requests = [];
    failuresLeft = 0;
    server = http.createServer((request, response) => {
      requests.push(request.url!);
      if (request.url === "/flaky" && failuresLeft-- > 0) response.writeHead(503).end();
      else if (request.url === "/missing") response.writeHead(404).end();
      else response.writeHead(200, { "content-length": body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("fails at once, naming the folder, when it cannot create the destination's folder (under /proc Node's own mkdir never returns)", async () => {
    await assert.rejects(downloadFile(`${baseUrl}/file`, "/proc/nope/data/file.bin"), /cannot create the directory \/proc\/nope/);
    assert.deepEqual(requests, [], "nothing was downloaded");
  });

  it("downloads once into the cache, then answers from it; a corrupt cached copy is fetched again", async () => {
    const dest = path.join(dir, "sub", "file.bin");
    assert.equal(await downloadFile(`${baseUrl}/file`, dest, { sha256: bodySha256 }), dest);
    assert.deepEqual(fs.readFileSync(dest), body);
    await downloadFile(`${baseUrl}/file`, dest, { sha256: bodySha256 });
    assert.equal(requests.length, 1);
    fs.writeFileSync(dest, "damaged");
    await downloadFile(`${baseUrl}/file`, dest, { sha256: bodySha256 });
    assert.equal(requests.length, 2);
    assert.deepEqual(fs.readFileSync(dest), body);
    assert.deepEqual(fs.readdirSync(path.dirname(dest)), ["file.bin"], "no .part file is left behind");
  });

  it("puts relative destinations in $TFJS_STUDIO_CACHE", async () => {
    const saved = process.env.TFJS_STUDIO_CACHE;
    process.env.TFJS_STUDIO_CACHE = path.join(dir, "cache");
    try {
      assert.equal(await downloadFile(`${baseUrl}/file`, "set/file.bin"), path.join(dir, "cache", "set", "file.bin"));
    } finally {
      if (saved === undefined) delete process.env.TFJS_STUDIO_CACHE;
      else process.env.TFJS_STUDIO_CACHE = saved;
    }
  });

  it("retries server errors but not a 404, whose error carries the caller's hint", async () => {
    failuresLeft = 2;
    await downloadFile(`${baseUrl}/flaky`, path.join(dir, "flaky.bin"));
    assert.deepEqual(requests, ["/flaky", "/flaky", "/flaky"]);
    const error = await rejection(downloadFile(`${baseUrl}/missing`, path.join(dir, "missing.bin"), { label: "the data", offlineHint: "Use a folder instead." }));
    assert.ok(error instanceof DownloadError);
    assert.match(error.message, /^Cannot download the data from http:\/\/127\.0\.0\.1:\d+\/missing: the server answered HTTP 404 Not Found\. Use a folder instead\.$/);
    assert.equal(requests.filter((url) => url === "/missing").length, 1);
    assert.equal(fs.existsSync(path.join(dir, "missing.bin")), false);
  });

  it("rejects a malformed checksum before downloading", async () => {
    const error = await rejection(downloadFile(`${baseUrl}/file`, path.join(dir, "f"), { sha256: "abc" }));
    assert.match(error.message, /sha256 for f must be 64 hexadecimal digits, got "abc"/);
    assert.equal(requests.length, 0);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- notebook JSON, read field by field and asserted
type Json = Record<string, any>;

interface NotebookRun {
  code: number;
  stderr: string;
  /** Every cell's text output (streams and errors) in order. */
  text: string;
  outputs: Json[];
}

/** `tfjs-studio run` on a fresh copy of a template, as `tfjs-studio new` would make it. */
async function runTemplate(template: string, workDir: string, env: Record<string, string>): Promise<NotebookRun> {
  const projectDir = path.join(workDir, template);
  scaffoldTemplate(template, projectDir);
  const notebook = path.join(projectDir, `${template}.ipynb`);
  const output = path.join(projectDir, "out.ipynb");
  const child = spawn(process.execPath, [path.join(packageRoot(), "bin", "tfjs-studio"), "run", notebook, "--output", output, "--timeout", "300"], {
    cwd: workDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on("close", (exitCode) => resolve(exitCode ?? -1)));
  const cells: Json[] = JSON.parse(fs.readFileSync(output, "utf8")).cells;
  const outputs = cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []));
  const joined = (text: string | string[]) => (Array.isArray(text) ? text.join("") : text);
  const text = outputs
    .map((o) => (o.output_type === "stream" ? joined(o.text) : o.output_type === "error" ? `${o.ename}: ${o.evalue}\n` : ""))
    .join("");
  return { code, stderr, text, outputs };
}

function testAccuracy(run: NotebookRun): number {
  const match = /test accuracy: ([\d.]+)/.exec(run.text);
  assert.ok(match, `no test accuracy in the notebook's output:\n${run.text}\n${run.stderr}`);
  return Number(match[1]);
}

/** What both notebooks must show after training: the confusion matrix, misclassified images, the reloaded model. */
function assertEvaluatedSavedAndReloaded(run: NotebookRun, modelDir: string): void {
  const html = run.outputs.map((o) => joined(o.data?.["text/html"] ?? "")).find((h) => h.includes("predicted class"));
  assert.ok(html, "a confusion matrix");
  assert.equal((html.match(/<tr>/g) ?? []).length, 11, "a header row and 10 class rows");
  const png = run.outputs.find((o) => o.data?.["image/png"]);
  assert.ok(png, "misclassified images as PNG");
  assert.equal(Buffer.from(joined(png.data["image/png"]), "base64").subarray(1, 4).toString(), "PNG");
  assert.match(run.text, /\d → \d/, "captions of the misclassified images");
  // Saving with file:// goes through the kernel's own filesystem IO handler when tfjs-node is absent.
  assert.equal(run.code, 0, `the notebook failed:\n${run.text}\n${run.stderr}`);
  assert.ok(fs.existsSync(path.join(modelDir, "model.json")) && fs.existsSync(path.join(modelDir, "weights.bin")));
  assert.match(run.text, /reloaded model predicts (\d, ){4}\d for test images 0-4 \(labels (\d, ){4}\d\)\nsame predictions as before saving/);
}

function joined(text: string | string[]): string {
  return Array.isArray(text) ? text.join("") : text;
}

describe("MNIST template notebooks, run headless", function () {
  this.timeout(300_000);
  let workDir: string;
  let server: FileServer;
  let serverEnv: Record<string, string>;
  const files = syntheticMnistFiles(600, 200, true);
  const quick = { MNIST_LIMIT: "600", EPOCHS: "3", BATCH_SIZE: "32" };

  before(async () => {
    workDir = tempDir("tfjs-mnist-nb-");
    server = await serveFiles(files);
    serverEnv = { MNIST_BASE_URL: server.baseUrl, MNIST_SHA256: JSON.stringify(sha256Of(files)), TFJS_STUDIO_CACHE: path.join(workDir, "cache") };
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("mnist-mlp downloads the data set, learns it, evaluates, saves and reloads the model", async () => {
    const run = await runTemplate("mnist-mlp", workDir, { ...serverEnv, ...quick });
    assert.deepEqual(server.requests.sort(), [...files.keys()].map((name) => `/mnist/${name}`).sort());
    const progress = run.outputs.filter((o) => /<progress/.test(joined(o.data?.["text/html"] ?? ""))).map((o) => joined(o.data["text/plain"]));
    assert.deepEqual(
      progress.map((text) => text.replace(/[\d.]+ k?B/, "N")),
      [...files.keys()].map((name) => `${name}: N downloaded`),
      "one progress display per file, updated to its final state",
    );
    assert.match(run.text, /540 training, 60 validation and 200 test images from http:\/\/127\.0\.0\.1/);
    assert.ok(testAccuracy(run) > 0.6, `test accuracy ${testAccuracy(run)} (chance: 0.1; 1 label in 8 is wrong on purpose)`);
    assert.deepEqual(fs.readdirSync(path.join(workDir, "cache", "mnist")).sort(), [...files.keys()].sort());
    assertEvaluatedSavedAndReloaded(run, path.join(workDir, "mnist-mlp", "mnist-mlp-model"));
  });

  it("mnist-cnn trains from the cache the first run filled, without asking the server again", async () => {
    const requestsBefore = server.requests.length;
    assert.equal(fs.readdirSync(path.join(workDir, "cache", "mnist")).length, 4, "the cache from the previous test");
    const run = await runTemplate("mnist-cnn", workDir, { ...serverEnv, ...quick, MNIST_LIMIT: "300", EPOCHS: "4", CNN_FILTERS: "4" });
    assert.equal(server.requests.length, requestsBefore);
    assert.ok(testAccuracy(run) > 0.4, `test accuracy ${testAccuracy(run)} (chance: 0.1)`);
    assertEvaluatedSavedAndReloaded(run, path.join(workDir, "mnist-cnn", "mnist-cnn-model"));
  });

  it("mnist-cnn runs whole on the WebGPU backend: trains, evaluates, saves and reloads", async () => {
    // lavapipe, the software adapter scripts/install-system-deps.sh installs, stands in for a GPU.
    const webgpu = { TFJS_STUDIO_BACKEND: "webgpu", TFJS_STUDIO_WEBGPU_SOFTWARE: "1" };
    const run = await runTemplate("mnist-cnn", path.join(workDir, "webgpu"), { ...serverEnv, ...quick, ...webgpu, MNIST_LIMIT: "300", EPOCHS: "2", CNN_FILTERS: "4" });
    assert.match(run.text, /backend: webgpu/, "the notebook names its backend");
    assert.ok(testAccuracy(run) > 0.2, `test accuracy ${testAccuracy(run)} (chance: 0.1)`);
    assertEvaluatedSavedAndReloaded(run, path.join(workDir, "webgpu", "mnist-cnn", "mnist-cnn-model"));
  });

  it("mnist-mlp reads uncompressed files from MNIST_DIR without downloading", async () => {
    const folder = path.join(workDir, "idx");
    writeFiles(folder, syntheticMnistFiles(600, 200, false));
    const run = await runTemplate("mnist-mlp", path.join(workDir, "from-folder"), {
      ...quick,
      MNIST_DIR: folder,
      MNIST_BASE_URL: await unreachableBaseUrl(),
      TFJS_STUDIO_CACHE: path.join(workDir, "empty-cache"),
    });
    assert.match(run.text, new RegExp(`540 training, 60 validation and 200 test images from ${folder}`));
    assert.ok(testAccuracy(run) > 0.6, `test accuracy ${testAccuracy(run)}`);
    assert.equal(fs.existsSync(path.join(workDir, "empty-cache")), false);
  });

  it("mnist-mlp on Fashion-MNIST names the classes, clothing rather than digits, wherever it shows them", async () => {
    const run = await runTemplate("mnist-mlp", path.join(workDir, "fashion"), { ...quick, EPOCHS: "1", MNIST_DATASET: "fashion-mnist", MNIST_TEST_LIMIT: "200" });
    assert.equal(run.code, 0, `the notebook failed:\n${run.text}\n${run.stderr}`);
    assert.match(run.text, /540 training, 60 validation and 200 test images from \/usr\/share\/datasets\/fashion-mnist/);
    const name = "(?:T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot)";
    assert.match(run.text, new RegExp(`^${name} → ${name}( \\| ${name} → ${name})*$`, "m"), "captions of the misclassified images");
    // Fashion-MNIST's first five test images.
    assert.match(run.text, new RegExp(`reloaded model predicts (${name}, ){4}${name} for test images 0-4 \\(labels Ankle boot, Pullover, Trouser, Trouser, Shirt\\)`));
    const html = run.outputs.map((o) => joined(o.data?.["text/html"] ?? "")).find((h) => h.includes("predicted class"));
    assert.match(html ?? "", /<th style="[^"]*text-align: left">Ankle boot<\/th>/, "class names head the confusion matrix's rows left-aligned");
  });
});
