import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { FilesExistError, UnknownTemplateError, listTemplates, scaffoldTemplate } from "../common/templateScaffold";
import { runCli } from "./support/cli";
import { tempDir } from "./support/studioKernel";

/** Every file under dir with its content, relative paths as keys. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) files[entry.split(path.sep).join("/")] = fs.readFileSync(file, "utf8");
  }
  return files;
}

describe("project templates", () => {
  let root: string;
  let work: string;

  beforeEach(() => {
    // A templates folder of our own: two templates, one sharing a file through a symlink, and a stray file.
    root = tempDir("templates-");
    fs.mkdirSync(path.join(root, "alpha", "data"), { recursive: true });
    fs.writeFileSync(path.join(root, "alpha", "README.md"), "# Alpha\n\nThe first\n`template`. It has more.\n\nMore text.\n");
    fs.writeFileSync(path.join(root, "alpha", "alpha.ipynb"), "{}");
    fs.writeFileSync(path.join(root, "alpha", "data", "shared.ts"), "export const shared = 1;\n");
    fs.mkdirSync(path.join(root, "beta"));
    fs.writeFileSync(path.join(root, "beta", "README.md"), "# Beta\nSecond one.\n");
    fs.symlinkSync(path.join("..", "alpha", "data", "shared.ts"), path.join(root, "beta", "shared.ts"));
    fs.writeFileSync(path.join(root, "README.md"), "# templates\n");
    work = tempDir("new-project-");
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("lists the templates with the first sentence of their README", () => {
    assert.deepEqual(listTemplates(root), [
      { name: "alpha", description: "The first template.", notebooks: ["alpha.ipynb"] },
      { name: "beta", description: "Second one.", notebooks: [] },
    ]);
  });

  it("describes the shipped templates in one line each, of one form, short enough for VS Code's quick pick", () => {
    const templates = listTemplates();
    assert.deepEqual(templates.map((t) => t.name), ["lstm-text-classification", "mnist-cnn", "mnist-mlp"]);
    for (const { name, description } of templates) {
      // The quick pick cuts a longer detail line off with "…".
      assert.ok(description.length <= 60, `${name}: "${description}" has ${description.length} characters`);
      assert.match(description, /^\S+ network on \S+ \S+ · (about|under) \S+ (s|min) on CPU$/u, name);
    }
  });

  it("copies a template into a new folder, symlinks replaced by the files they point to", () => {
    const dir = path.join(work, "nested", "project");
    assert.deepEqual(scaffoldTemplate("alpha", dir, root), ["README.md", "alpha.ipynb", "data/shared.ts"]);
    assert.deepEqual(snapshot(dir), snapshot(path.join(root, "alpha")));
    scaffoldTemplate("beta", path.join(work, "b"), root);
    const copied = path.join(work, "b", "shared.ts");
    assert.equal(fs.lstatSync(copied).isSymbolicLink(), false);
    assert.equal(fs.readFileSync(copied, "utf8"), "export const shared = 1;\n");
  });

  it("adds to an existing folder, but refuses to overwrite and then writes nothing", () => {
    fs.writeFileSync(path.join(work, "notes.txt"), "mine");
    scaffoldTemplate("beta", work, root);
    assert.deepEqual(Object.keys(snapshot(work)).sort(), ["README.md", "notes.txt", "shared.ts"]);

    const dir = path.join(work, "second");
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    fs.writeFileSync(path.join(dir, "data", "shared.ts"), "my own edits");
    fs.writeFileSync(path.join(dir, "README.md"), "my readme");
    const before = snapshot(dir);
    assert.throws(
      () => scaffoldTemplate("alpha", dir, root),
      (error: Error) => {
        assert.ok(error instanceof FilesExistError);
        assert.deepEqual(error.existing, ["README.md", "data/shared.ts"]);
        assert.match(error.message, /already has these files, so nothing was written:\n {2}README\.md\n {2}data\/shared\.ts$/);
        return true;
      },
    );
    assert.deepEqual(snapshot(dir), before, "alpha.ipynb was not written and nothing was changed");
  });

  it("names the available templates when asked for an unknown one", () => {
    assert.throws(
      () => scaffoldTemplate("gamma", path.join(work, "g"), root),
      (error: Error) => {
        assert.ok(error instanceof UnknownTemplateError);
        assert.equal(error.message, 'unknown template "gamma"; the templates are:\n  alpha  The first template.\n  beta   Second one.');
        return true;
      },
    );
    assert.equal(fs.existsSync(path.join(work, "g")), false);
  });
});

describe("tfjs-studio new", function () {
  this.timeout(30_000);
  let work: string;

  beforeEach(() => {
    work = tempDir("tfjs-new-");
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("scaffolds lstm-text-classification and prints the next steps", async () => {
    const dir = path.join(work, "my project");
    const { code, stdout } = await runCli(["new", "lstm-text-classification", dir]);
    assert.equal(code, 0);
    assert.match(stdout, /Created .*my project from the lstm-text-classification template:\n {2}README\.md\n/);
    assert.match(stdout, /Next steps:\n {2}cd '.*my project'\n/);
    assert.match(stdout, /\n {2}code lstm-text-classification\.ipynb .*\n {2}tfjs-studio run lstm-text-classification\.ipynb /);
    for (const file of ["lstm-text-classification.ipynb", "data.ts", "examples.ts", "tokenizer.ts", "classifier.ts", "README.md", "data/sample-reviews.csv"]) {
      assert.ok(fs.existsSync(path.join(dir, file)), file);
    }
    const notebook = JSON.parse(fs.readFileSync(path.join(dir, "lstm-text-classification.ipynb"), "utf8"));
    assert.deepEqual(notebook.metadata.kernelspec, { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" });
    assert.equal(notebook.metadata.language_info.name, "typescript");
  });

  it("refuses to overwrite, lists the files in the way and exits non-zero", async () => {
    fs.writeFileSync(path.join(work, "data.ts"), "mine");
    const { code, stderr } = await runCli(["new", "lstm-text-classification", work]);
    assert.equal(code, 1);
    assert.match(stderr, /already has this file, so nothing was written:\n {2}data\.ts\n/);
    assert.deepEqual(fs.readdirSync(work), ["data.ts"]);
    assert.equal(fs.readFileSync(path.join(work, "data.ts"), "utf8"), "mine");
  });

  it("lists the templates for an unknown one or missing arguments", async () => {
    const unknown = await runCli(["new", "mnist-rnn", path.join(work, "x")]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown template "mnist-rnn"; the templates are:\n.*lstm-text-classification +LSTM network on short texts · under 1 min on CPU\n/);
    assert.equal(fs.existsSync(path.join(work, "x")), false);
    const missing = await runCli(["new", "lstm-text-classification"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /TEMPLATE and DIR are required\nusage: tfjs-studio new TEMPLATE DIR[\s\S]*lstm-text-classification/);
  });
});
