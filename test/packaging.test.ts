// `npm run package`'s .vsix: built with @vscode/vsce from the current dist/, unpacked, and its kernel run,
// so a desktop VS Code that installs it gets everything the kernel needs at run time.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "./support/studioKernel";

const root = process.cwd();

describe("the .vsix package", function () {
  this.timeout(300_000);
  let work: string;
  let extension: string;

  before(() => {
    work = tempDir("vsix-");
    const vsix = path.join(work, "tfjs-studio.vsix");
    // The same vsce call as `npm run package`, minus its build: dist/ is already built for the tests.
    execFileSync(process.execPath, [path.join(root, "node_modules/@vscode/vsce/vsce"), "package", "--allow-missing-repository", "--out", vsix], { cwd: root, stdio: "pipe" });
    execFileSync("python3", ["-m", "zipfile", "-e", vsix, path.join(work, "unpacked")]);
    extension = path.join(work, "unpacked", "extension");
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("holds the built extension, renderer, templates (shared files as real copies) and walkthrough, and no sources", () => {
    for (const file of ["package.json", "dist/extension/extension.js", "dist/cli/main.js", "dist/kernel/socketWorker.js", "dist/tfjs/webgpuAdapterProbe.js", "dist/extension/modelJsonWorker.js", "dist/webviews/renderer.js", "dist/webviews/codicons/codicon.css", "media/walkthrough/createProject.md", "bin/tfjs-studio"]) {
      assert.ok(fs.existsSync(path.join(extension, file)), `${file} is in the .vsix`);
    }
    const shared = path.join(extension, "templates/mnist-cnn/data.ts");
    assert.ok(fs.lstatSync(shared).isFile(), "mnist-cnn/data.ts is a file, not a symlink");
    assert.equal(fs.readFileSync(shared, "utf8"), fs.readFileSync(path.join(root, "templates/mnist-mlp/data.ts"), "utf8"));
    for (const absent of ["kernel", "cli", "client", "protocol", "common", "tfjs", "extension", "test", "dist/test", "scripts", "bench"]) assert.equal(fs.existsSync(path.join(extension, absent)), false, `${absent}/ is left out`);
    const maps = (fs.readdirSync(path.join(extension, "dist"), { recursive: true }) as string[]).filter((f) => f.endsWith(".map"));
    assert.deepEqual(maps, []);
  });

  it("runs its own kernel: a notebook trains a model on wasm with only what the package holds", () => {
    const notebook = path.join(work, "check.ipynb");
    const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
    fs.writeFileSync(notebook, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" } },
      cells: [
        cell('import * as tf from "@tensorflow/tfjs";\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });\nmodel.compile({ optimizer: "sgd", loss: "meanSquaredError" });'),
        cell('const history = await model.fit(tf.ones([8, 2]), tf.ones([8, 1]), { epochs: 2, verbose: 0 });\nconsole.log(`backend=${tf.getBackend()} epochs=${history.epoch.length}`);'),
      ],
    }));
    const result = spawnSync(process.execPath, [path.join(extension, "bin/tfjs-studio"), "run", notebook], { cwd: work, encoding: "utf8", env: { ...process.env, TFJS_STUDIO_BACKEND: "wasm" }, timeout: 240_000 });
    assert.equal(result.status, 0, `tfjs-studio run failed:\n${result.stderr}`);
    const outputs = JSON.parse(fs.readFileSync(notebook, "utf8")).cells[1].outputs;
    const printed = outputs.filter((o: { output_type: string }) => o.output_type === "stream").map((o: { text: string | string[] }) => [o.text].flat().join("")).join("");
    assert.match(printed, /backend=wasm epochs=2/);
  });
});
