// `tfjs-studio package --container DIR`: the build context follows SageMaker's bring-your-own-container contract.
// Without a Docker engine, its entry point runs here as the image would run it: with the argument "serve", on
// port 8080, against a package unpacked into an /opt/ml/model-like folder.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tar from "tar";
import { packageRoot } from "../protocol/packageRoot";
import { SERVER_BUNDLE, SERVER_PACKAGES } from "../common/serverBundle";
import { parseReadyLine } from "../serving/server/readyLine";
import { fileSystemHandler } from "../tfjs/io/fileSystemIO";

const CLI = path.join(packageRoot(), "bin", "tfjs-studio");
const ROWS = [
  [0.5, 0.1, 0.9, 0.3],
  [1, 2, 3, 4],
];

describe("tfjs-studio package --container", function () {
  this.timeout(120_000);
  let work: string;
  let context: string;
  let expected: number[][];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-container-"));
    await tf.setBackend("cpu");
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: "softmax" })] });
    expected = (model.predict(tf.tensor2d(ROWS)) as tf.Tensor).arraySync() as number[][];
    await model.save(fileSystemHandler(tf, path.join(work, "flowers")));
    model.dispose();
    const result = spawnSync(process.execPath, [CLI, "package", "flowers", "--container", "image"], { cwd: work, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Container build context in .*image: Dockerfile, serve, package\.json, dist\/cli\/serve\.js/);
    assert.match(result.stdout, /docker build --platform linux\/amd64 -t tfjs-studio-serve:\S+ image/);
    context = path.join(work, "image");
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("writes a Dockerfile on Node 20 with tfjs-node, SageMaker's port and the serve entry point, and a README", () => {
    const dockerfile = fs.readFileSync(path.join(context, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^FROM node:20-bookworm-slim$/m);
    assert.match(dockerfile, /^EXPOSE 8080$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["\/opt\/program\/serve"\]$/m);
    assert.match(dockerfile, /^CMD \["serve"\]$/m);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(" "));
    for (const source of copied) assert.ok(fs.existsSync(path.join(context, source)), `the Dockerfile copies ${source}, which the context lacks`);
    assert.ok((fs.statSync(path.join(context, "serve")).mode & 0o111) !== 0, "the entry point is executable");

    const { dependencies } = JSON.parse(fs.readFileSync(path.join(context, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.equal(dependencies["@tensorflow/tfjs-node"], dependencies["@tensorflow/tfjs"], "tfjs-node at the version of tfjs");
    // Every package the server bundle requires is installed in the image.
    const bundle = fs.readFileSync(path.join(context, SERVER_BUNDLE), "utf8");
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !name.startsWith("node:") && !builtinModules.includes(name) && !name.startsWith(".")));
    assert.deepEqual([...required].map((name) => name.split("/").slice(0, name.startsWith("@") ? 2 : 1).join("/")).filter((name) => !(name in dependencies)), []);
    assert.deepEqual(Object.keys(dependencies).sort(), [...SERVER_PACKAGES, "@tensorflow/tfjs-node"].sort());

    const readme = fs.readFileSync(path.join(context, "README.md"), "utf8");
    for (const step of [/docker build/, /docker run .*-v "\$PWD\/model:\/opt\/ml\/model:ro"/, /aws ecr create-repository/, /aws ecr get-login-password .* docker login/, /docker push/, /aws sagemaker create-model/, /curl -s localhost:8080\/invocations .*"instances":\[\[\[?0,0,0,0/]) {
      assert.match(readme, step);
    }
  });

  it("runs as SageMaker runs it: 'serve' on port 8080 with the model in /opt/ml/model, and stops on SIGTERM", async () => {
    // What `npm install` puts in the image, and SageMaker's unpacking of model.tar.gz.
    fs.symlinkSync(path.join(packageRoot(), "node_modules"), path.join(context, "node_modules"));
    const modelDir = path.join(work, "opt", "ml", "model");
    fs.mkdirSync(modelDir, { recursive: true });
    await tar.extract({ file: path.join(work, "model.tar.gz"), cwd: modelDir });

    const wrongArgument = spawnSync(path.join(context, "serve"), ["train"], { encoding: "utf8" });
    assert.equal(wrongArgument.status, 2);
    assert.match(wrongArgument.stderr, /run it with the argument 'serve'/);

    // Only --host differs from the image: a test listens on 127.0.0.1, not on every address.
    const server = spawn(path.join(context, "serve"), ["serve", "--host", "127.0.0.1"], { env: { ...process.env, SM_MODEL_DIR: modelDir }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        server.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          if (parseReadyLine(stderr)) resolve();
        });
        void exited.then(() => reject(new Error(`the entry point exited before the model was ready:\n${stderr}`)));
      });
      assert.match(stderr, /flowers version 1 ready on .*: http:\/\/127\.0\.0\.1:8080\/invocations/);
      assert.equal((await fetch("http://127.0.0.1:8080/ping")).status, 200);
      const response = await fetch("http://127.0.0.1:8080/invocations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ instances: ROWS }) });
      const { predictions } = (await response.json()) as { predictions: number[][] };
      predictions.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(value - expected[i][j]) < 1e-5, `prediction [${i}][${j}]: ${value}, in process ${expected[i][j]}`)));
      server.kill("SIGTERM");
      assert.equal(await exited, 0, stderr);
    } finally {
      server.kill("SIGKILL");
    }
  });
});
