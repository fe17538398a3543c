import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runNotebook } from "../cli/runNotebook";
import { METRICS_MIME_TYPE } from "../protocol/runLogSchema";
import { runCli } from "./support/cli";

// Debian's ipykernel stands in for our kernel; /usr/bin/python3 is the Python that has it. Its notebooks are Python
// ones, hence --force.
const IPYKERNEL_ARGV_JSON = JSON.stringify(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"]);
const WITH_IPYKERNEL = ["--kernel-argv-json", IPYKERNEL_ARGV_JSON, "--force"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- notebook JSON, read field by field and asserted
type Json = Record<string, any>;

function codeCell(source: string | string[], extra: Json = {}): Json {
  return { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source, ...extra };
}

const PYTHON_METADATA = { kernelspec: { name: "python3", display_name: "Python 3" }, custom: { kept: true } };

function notebookWith(cells: unknown[], metadata: Json = PYTHON_METADATA): Json {
  return { cells, metadata, nbformat: 4, nbformat_minor: 5 };
}

/** Runs the command with stderr captured, so progress lines land in the test rather than the report. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const write = process.stderr.write;
  const stdoutWrite = process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  process.stdout.write = (() => true);
  try {
    return { code: await runNotebook(args), stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = stdoutWrite;
  }
}

function joined(text: string | string[]): string {
  return Array.isArray(text) ? text.join("") : text;
}

describe("tfjs-studio run", function () {
  this.timeout(120_000);
  let dir: string;
  let kernelMarker: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-run-"));
    kernelMarker = path.join(dir, "kernel-started");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeNotebook(cells: unknown[], name = "notebook.ipynb", metadata?: Json): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(notebookWith(cells, metadata)));
    return file;
  }

  /** A kernel command that only leaves kernelMarker behind, to show whether a run got as far as starting a kernel. */
  function withRecordingKernel(): string[] {
    return ["--kernel-argv-json", JSON.stringify(["/bin/sh", "-c", 'touch "$0"; exit 3', kernelMarker, "{connection_file}"])];
  }

  function kernelStarted(): boolean {
    return fs.existsSync(kernelMarker);
  }

  it("executes the cells in order, writes their outputs in place and stops at the first error", async () => {
    const markdown = { cell_type: "markdown", metadata: { note: 1 }, source: ["# Title\n", "text"] };
    const stale = { execution_count: 9, outputs: [{ output_type: "stream", name: "stdout", text: ["stale\n"] }] };
    const file = writeNotebook([
      markdown,
      codeCell("print('hello')\nprint('world')", { metadata: { tags: ["greeting"] }, id: "cell-a" }),
      codeCell("from IPython.display import display, HTML\ndisplay(HTML('<b>bold</b>'))"),
      codeCell("handle = display('first', display_id=True)"),
      codeCell("handle.update('second')\nfrom IPython.display import clear_output\nprint('a')\nclear_output(wait=True)\nprint('b')"),
      codeCell("6 * 7"),
      codeCell("raise ValueError('boom')"),
      codeCell("print('after')", stale),
    ]);

    const { code, stderr } = await run([file, ...WITH_IPYKERNEL]);

    assert.equal(code, 1);
    assert.match(stderr, /\[1\/7\] executing cell 1/);
    assert.match(stderr, /cell 6 \("raise ValueError\('boom'\)"\) failed: ValueError: boom/);
    const text = fs.readFileSync(file, "utf8");
    assert.ok(text.startsWith('{\n "cells": [\n  {\n'), "1-space indent, sorted keys");
    assert.ok(text.endsWith("}\n"));
    const notebook = JSON.parse(text);
    assert.deepEqual(notebook.metadata, notebookWith([]).metadata);
    const [md, hello, html, display, update, result, error, after] = notebook.cells;
    assert.deepEqual(md, markdown);

    assert.equal(hello.execution_count, 1);
    assert.equal(hello.id, "cell-a");
    assert.deepEqual(hello.metadata, { tags: ["greeting"] });
    assert.deepEqual(hello.outputs, [{ output_type: "stream", name: "stdout", text: ["hello\n", "world\n"] }], "streams merged");

    assert.equal(html.outputs.length, 1);
    assert.equal(html.outputs[0].output_type, "display_data");
    assert.deepEqual(html.outputs[0].data["text/html"], ["<b>bold</b>"]);

    assert.deepEqual(display.outputs[0].data, { "text/plain": ["'second'"] }, "update_display_data replaced the earlier cell's output");
    assert.deepEqual(update.outputs, [{ output_type: "stream", name: "stdout", text: ["b\n"] }], "clear_output(wait=True) cleared on the next output");

    assert.deepEqual(result.outputs, [{ output_type: "execute_result", execution_count: 5, data: { "text/plain": ["42"] }, metadata: {} }]);
    assert.equal(result.execution_count, 5);

    assert.equal(error.execution_count, 6);
    assert.equal(error.outputs.length, 1);
    assert.equal(error.outputs[0].output_type, "error");
    assert.equal(error.outputs[0].ename, "ValueError");
    assert.equal(error.outputs[0].evalue, "boom");
    assert.ok(error.outputs[0].traceback.length > 0);

    assert.deepEqual(after, codeCell("print('after')", stale), "cells after the error are left as they were");
  });

  it("writes to --output, runs in the notebook's folder and exits 0", async () => {
    const file = writeNotebook([codeCell(["import os\n", "print(os.getcwd())"]), codeCell("")], "in.ipynb");
    const original = fs.readFileSync(file, "utf8");
    const output = path.join(dir, "out.ipynb");

    const { code } = await run([file, `--output=${output}`, ...WITH_IPYKERNEL]);

    assert.equal(code, 0);
    assert.equal(fs.readFileSync(file, "utf8"), original);
    const [cwdCell, emptyCell] = JSON.parse(fs.readFileSync(output, "utf8")).cells;
    assert.equal(joined(cwdCell.outputs[0].text), `${fs.realpathSync(dir)}\n`);
    assert.equal(emptyCell.execution_count, null, "empty cells are not executed");
  });

  it("interrupts a cell that exceeds --timeout, records the timeout and stops", async () => {
    const file = writeNotebook([codeCell("import time\nprint('start', flush=True)\ntime.sleep(60)"), codeCell("print('never')")]);
    const started = Date.now();

    const { code, stderr } = await run([file, "--timeout", "1", ...WITH_IPYKERNEL]);

    assert.equal(code, 1);
    assert.ok(Date.now() - started < 30_000);
    assert.match(stderr, /cell 0 .* failed: CellTimeoutError/);
    const [slow, never] = JSON.parse(fs.readFileSync(file, "utf8")).cells;
    assert.deepEqual(slow.outputs[0], { output_type: "stream", name: "stdout", text: ["start\n"] });
    assert.equal(slow.outputs.at(-1).ename, "CellTimeoutError");
    assert.deepEqual(never.outputs, []);
    assert.equal(never.execution_count, null);
  });

  it("reports a kernel that dies while running a cell", async () => {
    const file = writeNotebook([codeCell("import os\nos._exit(7)")]);

    const { code, stderr } = await run([file, ...WITH_IPYKERNEL]);

    assert.equal(code, 1);
    assert.match(stderr, /kernel stopped while executing cell 0 .*: kernel died: kernel process exited with code 7/);
  });

  describe("live training metrics in the saved notebook", () => {
    const TRAIN = `import * as tf from "@tensorflow/tfjs";
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: "softmax" })] });
model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
const x = tf.randomUniform([64, 4]);
const y = tf.oneHot(tf.zeros([64], "int32"), 2);`;
    const TYPESCRIPT = { kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" } };

    function savedMetrics(file: string): { status: string; error?: string } {
      const cell = JSON.parse(fs.readFileSync(file, "utf8")).cells[0];
      const output = cell.outputs.find((o: Json) => o.data?.[METRICS_MIME_TYPE]);
      assert.ok(output, `no metrics output in ${JSON.stringify(cell.outputs).slice(0, 500)}`);
      return output.data[METRICS_MIME_TYPE];
    }

    it("end as interrupted, with why, when the cell times out", async () => {
      const file = writeNotebook([codeCell(`${TRAIN}\nawait model.fit(x, y, { epochs: 100000, batchSize: 8 });`)], "timeout.ipynb", TYPESCRIPT);
      const { code, stderr } = await run([file, "--timeout", "8"]);
      assert.equal(code, 1, stderr);
      const metrics = savedMetrics(file);
      assert.equal(metrics.status, "interrupted");
      assert.match(metrics.error ?? "", /did not finish within 8 s|interrupted/);
    });

    it("end as failed, with why, when the kernel dies during training", async () => {
      const dies = `${TRAIN}\nawait model.fit(x, y, { epochs: 100000, batchSize: 8, callbacks: { onBatchEnd: (batch) => { if (batch === 5) process.kill(process.pid, "SIGKILL"); } } });`;
      const file = writeNotebook([codeCell(dies)], "dies.ipynb", TYPESCRIPT);
      const { code } = await run([file]);
      assert.equal(code, 1);
      const metrics = savedMetrics(file);
      assert.equal(metrics.status, "failed");
      assert.match(metrics.error ?? "", /The kernel died during training: kernel process was killed by SIGKILL/);
    });
  });

  it("reports a kernel that fails to start", async () => {
    const file = writeNotebook([codeCell("1")]);
    const failing = JSON.stringify(["/usr/bin/python3", "-c", "import sys; sys.exit(4)", "{connection_file}"]);

    const { code, stderr } = await run([file, "--kernel-argv-json", failing, "--force"]);

    assert.equal(code, 1);
    assert.match(stderr, /kernel failed to start .*exited with code 4/);
  });

  it("exits 2 with the usage on bad arguments", async () => {
    const file = writeNotebook([codeCell("1")]);
    const badArguments = [
      [],
      [file, file],
      [file, "--frobnicate"],
      [file, "--timeout"],
      [file, "--timeout", "soon"],
      [file, "--timeout", "-1"],
      [file, "--timeout", "0"],
      [file, "--force=yes"],
      [file, "--kernel-argv-json", "python"],
      [file, "--kernel-argv-json", "[]"],
    ];
    for (const args of badArguments) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, `args: ${args.join(" ")}`);
      assert.match(stderr, /usage: tfjs-studio run NOTEBOOK\.ipynb/);
    }
  });

  it("exits 1 on a file that is not an nbformat 4 notebook", async () => {
    const file = path.join(dir, "bad.ipynb");
    fs.writeFileSync(file, JSON.stringify({ nbformat: 3, worksheets: [] }));
    const { code, stderr } = await run([file]);
    assert.equal(code, 1);
    assert.match(stderr, /not an nbformat 4 notebook/);
  });

  it("refuses a --timeout longer than Node's timers hold, before starting a kernel", async () => {
    const file = writeNotebook([codeCell("print('done')")]);
    for (const timeout of ["2147484", "1e12"]) {
      const { code, stderr } = await runCli(["run", file, "--timeout", timeout, ...withRecordingKernel()]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /--timeout must be at most 2147483 seconds/);
      assert.ok(!kernelStarted(), `--timeout ${timeout} started a kernel`);
    }

    const longest = await runCli(["run", file, "--timeout", "2147483", ...WITH_IPYKERNEL]);
    assert.equal(longest.code, 0, longest.stderr);
    assert.doesNotMatch(longest.stderr, /TimeoutOverflowWarning/);
  });

  it("creates a missing --output folder", async () => {
    const file = writeNotebook([codeCell("print('saved')")]);
    const output = path.join(dir, "results", "today", "out.ipynb");

    const { code, stderr } = await runCli(["run", file, "--output", output, ...WITH_IPYKERNEL]);

    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(output, "utf8")).cells[0].outputs[0].text, ["saved\n"]);
  });

  it("fails at once, naming the path, on an --output it cannot write", async () => {
    const file = writeNotebook([codeCell("1")], "notebook.ipynb", {});
    fs.writeFileSync(path.join(dir, "plain.txt"), "");
    fs.mkdirSync(path.join(dir, "folder"));
    // A named pipe would take the saved notebook only once something reads it: the save would wait forever.
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    const unwritable = [
      path.join(dir, "plain.txt", "out.ipynb"),
      path.join(dir, "folder"),
      path.join(dir, "pipe"),
      "/sys/out.ipynb",
      // Node's recursive mkdir never returns here.
      "/proc/no-such-folder/out.ipynb",
    ];
    for (const output of unwritable) {
      const { code, stderr, killed } = await runCli(["run", file, "--output", output, ...withRecordingKernel()], { killAfterMs: 20_000 });
      assert.ok(!killed, `--output ${output} hung`);
      assert.equal(code, 1, stderr);
      assert.ok(stderr.includes(`cannot write ${output}`), stderr);
      assert.ok(!kernelStarted(), `--output ${output} started a kernel`);
    }
  });

  it("keeps the outputs in a temporary file, and says where, when saving fails after the run", async () => {
    const outputDir = path.join(dir, "out");
    const output = path.join(outputDir, "result.ipynb");
    // Each cell spoils the destination while it runs, so the save after the run fails.
    const spoilers = [
      // A file where the output folder was.
      `import shutil\nshutil.rmtree(${JSON.stringify(outputDir)})\nopen(${JSON.stringify(outputDir)}, 'w').close()`,
      // A named pipe where the output file was: writing to it would wait for a reader forever.
      `import os\nos.mkfifo(${JSON.stringify(output)})`,
    ];
    for (const spoiler of spoilers) {
      fs.rmSync(outputDir, { recursive: true, force: true });
      fs.mkdirSync(outputDir);
      const file = writeNotebook([codeCell(`${spoiler}\nprint('computed')`)]);

      const { code, stderr, killed } = await runCli(["run", file, "--output", output, ...WITH_IPYKERNEL], { killAfterMs: 30_000 });

      assert.ok(!killed, `the save hung after: ${spoiler}`);
      assert.equal(code, 1);
      assert.ok(stderr.includes(`cannot write ${output}`), stderr);
      const rescued = /saved in (\S+) instead/.exec(stderr)?.[1];
      assert.ok(rescued, stderr);
      try {
        assert.deepEqual(JSON.parse(fs.readFileSync(rescued, "utf8")).cells[0].outputs[0].text, ["computed\n"]);
      } finally {
        fs.rmSync(path.dirname(rescued), { recursive: true, force: true });
      }
    }
  });

  it("refuses a notebook for another kernel, naming what it found, unless given --force", async () => {
    const others: [Json, RegExp][] = [
      [{ kernelspec: { name: "python3", display_name: "Python 3", language: "python" } }, /kernel "python3", language python/],
      [{ language_info: { name: "python" } }, /language python/],
      [{ kernelspec: { name: "ir", display_name: "R" } }, /kernel "ir"/],
    ];
    for (const [metadata, found] of others) {
      const file = writeNotebook([codeCell("1")], "other.ipynb", metadata);
      const refused = await runCli(["run", file, ...withRecordingKernel()]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, found);
      assert.match(refused.stderr, /--force runs it anyway/);
      assert.ok(!kernelStarted(), `${JSON.stringify(metadata)} started a kernel`);

      await runCli(["run", file, "--force", ...withRecordingKernel()]);
      assert.ok(kernelStarted(), `--force did not start a kernel for ${JSON.stringify(metadata)}`);
      fs.rmSync(kernelMarker);
    }

    const ours = [
      {},
      { kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" }, language_info: { name: "typescript" } },
      { kernelspec: { name: "tfjs-studio-gpu", display_name: "installed with --name", language: "typescript" } },
      { kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)" } },
    ];
    for (const metadata of ours) {
      await runCli(["run", writeNotebook([codeCell("1")], "ours.ipynb", metadata), ...withRecordingKernel()]);
      assert.ok(kernelStarted(), `${JSON.stringify(metadata)} was refused`);
      fs.rmSync(kernelMarker);
    }
  });

  it("names the malformed cell, counting from 0, and writes nothing", async () => {
    const malformed: [string, RegExp][] = [
      [JSON.stringify(notebookWith([codeCell("1"), null], {})), /cell 1 \(counting from 0\) is null, not a cell object/],
      [JSON.stringify(notebookWith(["print(1)"], {})), /cell 0 \(counting from 0\) is a string, not a cell object/],
      [JSON.stringify(notebookWith([{ metadata: {}, source: "1" }], {})), /cell 0 \(counting from 0\) has no cell_type/],
      [JSON.stringify(notebookWith([codeCell("", { source: 42 })], {})), /cell 0 \(counting from 0\) has a source that is neither a string nor an array of strings/],
      [JSON.stringify(notebookWith([codeCell(["a", 1] as unknown as string[])], {})), /cell 0 \(counting from 0\) has a source that is neither/],
      [JSON.stringify(notebookWith([codeCell("1", { outputs: 5 })], {})), /cell 0 \(counting from 0\) has outputs that are not an array of objects/],
      [JSON.stringify({ ...notebookWith([], {}), cells: { 0: codeCell("1") } }), /"cells" is not an array/],
      ['{"cells": [', /is not valid JSON/],
    ];
    const file = path.join(dir, "broken.ipynb");
    const output = path.join(dir, "out.ipynb");
    for (const [text, problem] of malformed) {
      fs.writeFileSync(file, text);

      const { code, stderr } = await runCli(["run", file, "--output", output, ...withRecordingKernel()]);

      assert.equal(code, 1, text);
      assert.match(stderr, problem);
      assert.ok(stderr.includes(file), stderr);
      assert.equal(fs.readFileSync(file, "utf8"), text);
      assert.ok(!fs.existsSync(output), `${text} wrote ${output}`);
      assert.ok(!kernelStarted(), `${text} started a kernel`);
    }
  });
});
