// The editor side of completion, hover and type error marks (extension/language), fed by the real kernel's replies.
import assert from "node:assert/strict";
import { completionKind, completionsFromReply, cursorPos, hoverFromReply } from "../extension/language/kernelReplies";
import { TypeErrorMark, typeErrorMarks } from "../extension/language/typeErrorRanges";
import { StudioKernel, assertOk, startStudioKernel } from "./support/studioKernel";

/** The cell text a mark covers. */
function marked(cellText: string, mark: TypeErrorMark): string {
  const lines = cellText.split("\n");
  if (mark.start.line === mark.end.line) return lines[mark.start.line].slice(mark.start.character, mark.end.character);
  return [lines[mark.start.line].slice(mark.start.character), ...lines.slice(mark.start.line + 1, mark.end.line), lines[mark.end.line].slice(0, mark.end.character)].join("\n");
}

describe("language features with the tfjs-studio kernel", function () {
  this.timeout(60_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`/** Settings of one training run. */\nconst runConfig = { epochs: 3, learningRate: 0.01, describe(): string { return "run"; } };`));
    assertOk(await kernel.run(`class Trainer { static create(): Trainer { return new Trainer(); } }`));
  });
  after(async () => {
    await kernel?.stop();
  });

  async function complete(code: string, utf16Offset = code.length) {
    const reply = await kernel.client.request("shell", "complete_request", { code, cursor_pos: cursorPos(code, utf16Offset) }, { timeoutMs: 10_000 });
    return completionsFromReply(reply.content, code);
  }

  it("completes members of a variable from an earlier cell, with their kinds, replacing the typed prefix", async () => {
    // Characters outside the BMP before the cursor: Jupyter counts them as one, the editor as two.
    const code = `const party = "🎉🎉";\nrunConfig.le`;
    const items = await complete(code);
    assert.deepEqual(items.map((item) => item.text), ["learningRate"]);
    const [item] = items;
    assert.equal(code.slice(item.start, item.end), "le");
    assert.equal(item.kind, "Field");
    const members = await complete(`runConfig.`);
    assert.deepEqual(
      Object.fromEntries(members.map((member) => [member.text, member.kind])),
      { describe: "Method", epochs: "Field", learningRate: "Field" },
    );
  });

  it("completes a name in the middle of a line, only up to the cursor", async () => {
    const code = `const total = runCo + 1;`;
    const cursor = code.indexOf(" + 1");
    const items = await complete(code, cursor);
    assert.ok(items.some((item) => item.text === "runConfig" && item.kind === "Constant"), JSON.stringify(items));
    for (const item of items) assert.equal(code.slice(item.start, item.end), "runCo");
    assert.ok((await complete(`Trainer.cr`)).some((item) => item.text === "create" && item.kind === "Method"));
    assert.ok((await complete(`new Trai`)).some((item) => item.text === "Trainer" && item.kind === "Class"));
  });

  it("hovers with the declaration and its documentation as markdown", async () => {
    const code = `runConfig.epochs`;
    const reply = await kernel.client.request("shell", "inspect_request", { code, cursor_pos: cursorPos(code, "runConfig".length), detail_level: 0 }, { timeoutMs: 10_000 });
    const hover = hoverFromReply(reply.content);
    assert.ok(hover && "markdown" in hover, JSON.stringify(reply.content));
    assert.match(hover.markdown, /```typescript\nconst runConfig: \{/);
    assert.match(hover.markdown, /Settings of one training run\./);
    const unknown = await kernel.client.request("shell", "inspect_request", { code: "notDeclaredAnywhere", cursor_pos: 19, detail_level: 0 }, { timeoutMs: 10_000 });
    assert.equal(hoverFromReply(unknown.content), undefined);
  });

  it("marks each type error of a failed cell on the code the error is about", async () => {
    const code = [`const wide = "🎉"; const count: number = "three";`, `runConfig.epochs.toFixed(1).nope;`, `const ok = 1;`].join("\n");
    const result = await kernel.run(code, { stop_on_error: false });
    const marks = typeErrorMarks(result.reply.content, code);
    assert.deepEqual(marks.map((mark) => marked(code, mark)), ["count", "nope"]);
    assert.deepEqual(marks.map((mark) => mark.code), [2322, 2339]);
    assert.deepEqual(marks.map((mark) => mark.start.line), [0, 1]);
    assert.match(marks[0].message, /Type 'string' is not assignable to type 'number'/);
  });

  it("marks nothing for a cell that ran, or failed at run time", async () => {
    const ok = await kernel.run(`runConfig.epochs`);
    assert.deepEqual(typeErrorMarks(ok.reply.content, `runConfig.epochs`), []);
    const thrown = await kernel.run(`throw new Error("at run time")`, { stop_on_error: false });
    assert.deepEqual(typeErrorMarks(thrown.reply.content, `throw new Error("at run time")`), []);
    assert.deepEqual(typeErrorMarks(undefined, "x"), []);
  });
});

describe("language features with malformed or unusual replies", () => {
  it("gives no completions for an error reply or missing matches, and skips non-string matches", () => {
    assert.deepEqual(completionsFromReply({ status: "error", ename: "X", evalue: "", traceback: [] }, "abc"), []);
    assert.deepEqual(completionsFromReply({ status: "ok" }, "abc"), []);
    const items = completionsFromReply({ status: "ok", matches: ["abc", 3, null, ""], cursor_start: 0, cursor_end: 2 }, "ab");
    assert.deepEqual(items, [{ text: "abc", kind: "Property", start: 0, end: 2 }]);
  });

  it("clamps cursor positions past the end of the cell and a start after the end", () => {
    const items = completionsFromReply({ status: "ok", matches: ["x"], cursor_start: 99, cursor_end: 50, metadata: {} }, "ab");
    assert.deepEqual(items.map(({ start, end }) => [start, end]), [[2, 2]]);
  });

  it("maps unknown completion kinds to Property, also names of Object.prototype", () => {
    assert.equal(completionKind("warning-ish"), "Property");
    assert.equal(completionKind("toString"), "Property");
    assert.equal(completionKind(undefined), "Property");
    assert.equal(completionKind("enum member"), "EnumMember");
  });

  it("hovers plain text when the kernel sends no markdown", () => {
    assert.deepEqual(hoverFromReply({ status: "ok", found: true, data: { "text/plain": "function f(): void" } }), { plain: "function f(): void" });
    assert.equal(hoverFromReply({ status: "ok", found: true, data: {} }), undefined);
    assert.equal(hoverFromReply({ status: "ok", found: false, data: { "text/plain": "x" } }), undefined);
  });

  it("marks an error without a place on the first line, and an error at the end with what is left", () => {
    const reply = (diagnostics: unknown[]) => ({ status: "error", ename: "TypeScriptError", evalue: "", traceback: [], diagnostics });
    const cell = "first line\nsecond";
    const [global] = typeErrorMarks(reply([{ line: 0, column: 0, length: 0, code: 5023, message: "bad option", category: "error" }]), cell);
    assert.deepEqual([global.start, global.end], [{ line: 0, character: 0 }, { line: 0, character: 10 }]);
    const [atEnd] = typeErrorMarks(reply([{ line: 2, column: 7, length: 0, code: 1005, message: "';' expected.", category: "error" }]), cell);
    assert.deepEqual([atEnd.start, atEnd.end], [{ line: 1, character: 6 }, { line: 1, character: 6 }]);
    const [spanning] = typeErrorMarks(reply([{ line: 1, column: 7, length: 8, code: 1, message: "m", category: "error" }]), cell);
    assert.equal(marked(cell, spanning), "line\nsec");
    assert.deepEqual(typeErrorMarks(reply([{ line: "1" }, null]), cell), []);
  });
});
