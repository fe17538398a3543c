// The notebook controller's output mapping (IOPub → cell output edits), fed by a real tfjs-studio kernel, applied
// to a model of the notebook's outputs as VS Code would apply them.
import assert from "node:assert/strict";
import type { JupyterMessage } from "../protocol/messages";
import { METRICS_MIME_TYPE, type MetricsDisplayData } from "../protocol/runLogSchema";
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME, mimeBundleItems } from "../extension/notebook/outputItems";
import { ItemEdit, OutputSpec, OutputTracker } from "../extension/notebook/outputTracker";
import { prefersTfjsStudio, withTfjsStudioKernelspec } from "../extension/notebook/notebookMetadata";
import { StudioKernel, assertOk, startStudioKernel, stripAnsi } from "./support/studioKernel";

/** What the user sees: each cell's outputs, each a list of items. */
type Notebook = Map<string, OutputSpec[]>;

function apply(notebook: Notebook, edits: ItemEdit<string>[]): void {
  for (const edit of edits) {
    const outputs = notebook.get(edit.cell) ?? [];
    notebook.set(edit.cell, outputs);
    const find = (id: string): OutputSpec => {
      const output = outputs.find((candidate) => candidate.id === id);
      assert.ok(output, `edit of ${edit.kind} targets output ${id}, which cell ${edit.cell} does not show`);
      return output;
    };
    switch (edit.kind) {
      case "append":
        outputs.push({ ...edit.output, items: [...edit.output.items] });
        break;
      case "appendItems":
        find(edit.outputId).items.push(...edit.items);
        break;
      case "replaceItems":
        find(edit.outputId).items = [...edit.items];
        break;
      case "replaceAll":
        notebook.set(edit.cell, edit.outputs.map((output) => ({ ...output, items: [...output.items] })));
        break;
    }
  }
}

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** An output as "mime: text" lines; stream items joined as the editor joins them. */
function show(output: OutputSpec): string {
  const streams = output.items.filter((item) => item.mime === STDOUT_MIME || item.mime === STDERR_MIME);
  if (streams.length > 0) return `${streams[0].mime === STDOUT_MIME ? "stdout" : "stderr"}: ${streams.map((item) => text(item.data)).join("")}`;
  return output.items.map((item) => `${item.mime}: ${item.mime.startsWith("image/") ? `${item.data.length} bytes` : text(item.data)}`).join(" | ");
}

describe("notebook outputs from a real kernel", function () {
  this.timeout(120_000);
  let kernel: StudioKernel;
  let tracker: OutputTracker<string>;
  let notebook: Notebook;

  before(async () => {
    kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "cpu" } });
  });
  after(async () => {
    await kernel?.stop();
  });
  beforeEach(() => {
    tracker = new OutputTracker<string>();
    notebook = new Map();
  });

  async function runCell(cell: string, code: string): Promise<JupyterMessage> {
    tracker.startCell(cell);
    notebook.set(cell, []);
    const result = await kernel.run(code, { onIopub: (message) => apply(notebook, tracker.handle(cell, message)) });
    return result.reply;
  }

  const shown = (cell: string): string[] => (notebook.get(cell) ?? []).map(show);

  it("streams stdout chunk by chunk into one output, stderr into its own, ANSI kept", async () => {
    const reply = await runCell("a", [
      'console.log("\\x1b[31mred\\x1b[0m");',
      "for (let i = 0; i < 3; i++) { console.log(`line ${i}`); await new Promise((r) => setTimeout(r, 150)); }",
      'console.error("oops");',
      'console.log("after");',
    ].join("\n"));
    assertOk({ reply, iopub: [] });
    assert.deepEqual(shown("a"), ["stdout: \x1b[31mred\x1b[0m\nline 0\nline 1\nline 2\n", "stderr: oops\n", "stdout: after\n"]);
    // The delays make the kernel send several stream messages; each became an edit of its own as it arrived.
    const stdoutItems = notebook.get("a")![0].items.length;
    assert.ok(stdoutItems >= 2, `expected several stdout chunks, got ${stdoutItems}`);
  });

  it("updates a display shown by an earlier cell, and only that output", async () => {
    assertOk({ reply: await runCell("first", 'import { display } from "tfjs-studio";\ndisplay.html("<b>v1</b>", { displayId: "progress" });\nconsole.log("shown");'), iopub: [] });
    assert.deepEqual(shown("first"), ["text/plain: <HTML> | text/html: <b>v1</b>", "stdout: shown\n"]);
    assertOk({ reply: await runCell("second", 'display.html("<b>v2</b>", { displayId: "progress", update: true });\nconsole.log("updated");'), iopub: [] });
    assert.deepEqual(shown("first"), ["text/plain: <HTML> | text/html: <b>v2</b>", "stdout: shown\n"]);
    assert.deepEqual(shown("second"), ["stdout: updated\n"]);
  });

  it("a rerun cell's displays are no longer updated", async () => {
    await runCell("first", 'import { display } from "tfjs-studio";\nconst shownAgain = display.text("old", { displayId: "again" });');
    await runCell("first", 'console.log("rerun");');
    await runCell("second", 'shownAgain.update("new");');
    assert.deepEqual(shown("first"), ["stdout: rerun\n"]);
    assert.deepEqual(shown("second"), []);
  });

  it("clear_output(wait) clears only when the next output arrives, in one edit", async () => {
    const reply = await runCell("c", [
      'import { clearOutput } from "tfjs-studio";',
      'console.log("before");',
      "clearOutput({ wait: true });",
    ].join("\n"));
    assertOk({ reply, iopub: [] });
    assert.deepEqual(shown("c"), ["stdout: before\n"], "nothing is cleared while no new output came");
    await runCell("d", 'console.log("one");\nclearOutput({ wait: true });\nconsole.log("two");');
    assert.deepEqual(shown("d"), ["stdout: two\n"]);
    await runCell("e", 'console.log("gone");\nclearOutput();');
    assert.deepEqual(shown("e"), []);
  });

  it("shows errors with their traceback, and type errors with their message", async () => {
    const reply = await runCell("err", 'function fail() { throw new RangeError("bad range"); }\nfail();');
    assert.equal(reply.content.status, "error");
    const [output] = notebook.get("err")!;
    assert.equal(output.items[0].mime, ERROR_MIME);
    assert.equal(output.metadata.outputType, "error");
    const error = JSON.parse(text(output.items[0].data)) as { name: string; message: string; stack: string };
    assert.equal(error.name, "RangeError");
    assert.equal(error.message, "bad range");
    assert.match(stripAnsi(error.stack), /^RangeError: bad range\n[\s\S]*fail/);

    await runCell("typeError", "const n: number = 'text';");
    const typeError = JSON.parse(text(notebook.get("typeError")![0].items[0].data)) as { stack: string };
    assert.match(stripAnsi(typeError.stack).split("\n")[0], /^TypeScriptError: TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it("keeps JSON as JSON, decodes base64 images, and marks results for the ipynb serializer", async () => {
    const reply = await runCell("rich", [
      'import { display } from "tfjs-studio";',
      "display.json({ answer: 42, list: [1, 2] });",
      // A 1x1 PNG.
      'display.png("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");',
      "6 * 7",
    ].join("\n"));
    assertOk({ reply, iopub: [] });
    const [json, png, result] = notebook.get("rich")!;
    assert.deepEqual(JSON.parse(text(json.items.find((item) => item.mime === "application/json")!.data)), { answer: 42, list: [1, 2] });
    const pngItem = png.items.find((item) => item.mime === "image/png")!;
    assert.deepEqual([...pngItem.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(result.metadata.outputType, "execute_result");
    assert.equal(result.metadata.executionCount, reply.content.execution_count);
    assert.equal(show(result), "text/plain: 42");
  });

  it("ends live metrics still training when their kernel dies, instead of leaving them training forever", async () => {
    const dying = await startStudioKernel();
    try {
      tracker.startCell("fit");
      notebook.set("fit", []);
      // Training goes on after the cell: its updates arrive as late update_display_data.
      dying.client.on("iopub", (message) => apply(notebook, tracker.updateDisplay(message)));
      const code = [
        'import * as tf from "@tensorflow/tfjs";',
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
        'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
        "const xs = tf.randomNormal([64, 1]);",
        "void model.fit(xs, xs, { epochs: 100000, batchSize: 8 });",
      ].join("\n");
      assertOk(await dying.run(code, { onIopub: (message) => apply(notebook, tracker.handle("fit", message)) }));
      const metrics = () => {
        const item = notebook.get("fit")?.flatMap((output) => output.items).find((candidate) => candidate.mime === METRICS_MIME_TYPE);
        return item && (JSON.parse(text(item.data)) as MetricsDisplayData);
      };
      const deadline = Date.now() + 30_000;
      while (!(metrics()?.step ?? 0)) {
        assert.ok(Date.now() < deadline, "no live metrics with a trained batch arrived");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(metrics()!.status, "running");

      dying.launched.kill();
      await dying.launched.exited;
      apply(notebook, tracker.kernelEnded(true, "killed by SIGKILL\nlast lines"));
      assert.equal(metrics()!.status, "failed");
      assert.equal(metrics()!.error, "The kernel died during training: killed by SIGKILL");
      const plain = text(notebook.get("fit")![0].items.find((item) => item.mime === "text/plain")!.data);
      assert.match(plain, /^Failed · Epoch \d+\/100000 · [\s\S]*\nThe kernel died during training: killed by SIGKILL$/);
      assert.deepEqual(tracker.kernelEnded(false, ""), [], "an ended run is not ended again");
    } finally {
      await dying.stop();
    }
  });
});

describe("notebook output items", () => {
  it("joins nbformat line arrays and keeps SVG as text", () => {
    const items = mimeBundleItems({ "text/plain": ["a\n", "b"], "image/svg+xml": "<svg/>", "application/vnd.custom+json": { x: 1 } });
    assert.deepEqual(items.map((item) => [item.mime, new TextDecoder().decode(item.data)]), [
      ["text/plain", "a\nb"],
      ["image/svg+xml", "<svg/>"],
      ["application/vnd.custom+json", '{"x":1}'],
    ]);
  });
});

describe("notebook metadata", () => {
  const ours = { kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" } };

  it("prefers notebooks of our kernel or of TypeScript, under the ipynb serializer's metadata.metadata", () => {
    assert.equal(prefersTfjsStudio({ metadata: ours }), true);
    assert.equal(prefersTfjsStudio({ metadata: { kernelspec: { name: "tslab", language: "TypeScript" } } }), true);
    assert.equal(prefersTfjsStudio({ metadata: { language_info: { name: "typescript" } } }), true);
    assert.equal(prefersTfjsStudio({ metadata: { kernelspec: { name: "python3", language: "python" } } }), false);
    assert.equal(prefersTfjsStudio({ kernelspec: ours.kernelspec }), false, "top-level metadata is not where the ipynb serializer keeps it");
    assert.equal(prefersTfjsStudio({}), false);
  });

  it("adds kernelspec and language_info, keeping the rest", () => {
    const updated = withTfjsStudioKernelspec({ nbformat: 4, metadata: { kernelspec: { name: "python3" }, custom: 1 } });
    assert.deepEqual(updated, {
      nbformat: 4,
      metadata: {
        custom: 1,
        kernelspec: ours.kernelspec,
        language_info: { name: "typescript", mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: { name: "javascript", typescript: true }, pygments_lexer: "typescript", nbconvert_exporter: "script" },
      },
    });
    assert.equal(withTfjsStudioKernelspec(updated), undefined, "a notebook that has them is left alone");
  });
});
