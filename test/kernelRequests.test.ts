// The tfjs-studio kernel through the Jupyter protocol, request by request: kernel_info, execute and its outputs,
// display, stop_on_error, complete, inspect, is_complete and history. A real kernel process, driven by KernelClient.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { StudioKernel, assertOk, ofType, resultText, startStudioKernel, streamText, types, value, requestId, runFailing, tracebackText } from "./support/studioKernel";

const TS_VERSION: string = require("typescript/package.json").version;

describe("tfjs-studio kernel: kernel_info, execution and introspection", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    // The first cell pays for loading TypeScript.
    assertOk(await kernel.run(`import { display, clearOutput } from "tfjs-studio";`));
  });
  after(async () => {
    await kernel?.stop();
  });

  describe("kernel_info", () => {
    function checkKernelInfo(content: Record<string, unknown>): void {
      assert.equal(content.status, "ok");
      assert.equal(content.protocol_version, "5.3");
      assert.equal(content.implementation, "tfjs-studio");
      const info = content.language_info as Record<string, unknown>;
      assert.equal(info.name, "typescript");
      assert.equal(info.version, TS_VERSION);
      assert.equal(info.mimetype, "text/typescript");
      assert.equal(info.file_extension, ".ts");
      assert.ok(info.codemirror_mode, "codemirror_mode is missing");
      assert.equal(typeof content.banner, "string");
      assert.ok((content.banner as string).includes(TS_VERSION), `banner: ${String(content.banner)}`);
      const links = content.help_links as { text: string; url: string }[];
      assert.ok(Array.isArray(links) && links.length > 0, "help_links is empty");
      for (const link of links) {
        assert.equal(typeof link.text, "string");
        assert.match(link.url, /^https:\/\//);
      }
    }

    for (const channel of ["shell", "control"] as const) {
      it(`answers kernel_info_request on ${channel}, wrapped in status busy and idle`, async () => {
        const { reply, iopub } = await kernel.traced(channel, "kernel_info_request");
        assert.equal(reply.header.msg_type, "kernel_info_reply");
        checkKernelInfo(reply.content);
        assert.deepEqual(types(iopub), ["status", "status"]);
        assert.equal(iopub[0].content.execution_state, "busy");
        assert.equal(iopub[1].content.execution_state, "idle");
        for (const message of iopub) assert.equal(message.parent_header.msg_id, reply.parent_header.msg_id);
      });
    }

    it("gave the same kernel_info at startup", () => {
      checkKernelInfo(kernel.launched.kernelInfo.content);
    });
  });

  describe("execute outputs", () => {
    it("publishes status busy, execute_input, stream, execute_result, status idle, all parented to the request", async () => {
      const result = await kernel.run(`console.log("out line");\nconsole.error("err line");\n1 + 1`);
      assertOk(result);
      const id = requestId(result);
      for (const message of result.iopub) assert.equal(message.parent_header.msg_id, id);
      const seen = types(result.iopub);
      assert.equal(seen[0], "status");
      assert.equal(result.iopub[0].content.execution_state, "busy");
      assert.equal(seen[1], "execute_input");
      assert.equal(seen.at(-1), "status");
      assert.equal(result.iopub.at(-1)!.content.execution_state, "idle");
      assert.equal(seen.filter((type) => type === "status").length, 2);
      assert.ok(seen.indexOf("stream") < seen.indexOf("execute_result"), `order: ${seen}`);
      const input = result.iopub[1].content;
      assert.equal(input.code, `console.log("out line");\nconsole.error("err line");\n1 + 1`);
      assert.equal(input.execution_count, result.reply.content.execution_count);
      assert.equal(streamText(result, "stdout"), "out line\n");
      assert.equal(streamText(result, "stderr"), "err line\n");
      const [executeResult] = ofType(result, "execute_result");
      assert.deepEqual(executeResult.content.data, { "text/plain": "2" });
      assert.equal(executeResult.content.execution_count, result.reply.content.execution_count);
    });

    it("shows a string result quoted, as util.inspect does", async () => {
      assert.equal(await value(kernel, `"hello" + " world"`), "'hello world'");
    });

    it("formats console.log like Node's util.inspect", async () => {
      const result = await kernel.run(`console.log({ a: 1 }, [1, "x"], "plain", 3);`);
      assertOk(result);
      assert.equal(streamText(result), `{ a: 1 } [ 1, 'x' ] plain 3\n`);
    });

    it("has no execute_result for a declaration-only cell nor for undefined", async () => {
      const cells = [
        `const declaredOnly = 5;`,
        `let declaredLet = "x";`,
        `var declaredVar = 1;`,
        `class DeclaredClass {}`,
        `import * as declaredOs from "os";`,
        `function declaredFn() { return 1; }`,
        `undefined`,
        `console.log("x")`,
      ];
      const withResult: string[] = [];
      for (const code of cells) {
        const result = await kernel.run(code);
        assertOk(result);
        if (ofType(result, "execute_result").length > 0) withResult.push(`${code} => ${resultText(result)?.slice(0, 60)}`);
      }
      assert.deepEqual(withResult, []);
    });

    it("keeps the values of declaration-only cells for later cells", async () => {
      assertOk(await kernel.run(`const keptConst = 5;\nlet keptLet = "x";`));
      assert.equal(await value(kernel, `keptConst + keptLet`), "'5x'");
    });

    it("shows a Promise as the last value as a Promise instead of awaiting it", async () => {
      const started = Date.now();
      const text = await value(kernel, `new Promise<number>((resolve) => setTimeout(() => resolve(1), 5000))`);
      assert.equal(text, "Promise { <pending> }");
      assert.ok(Date.now() - started < 4000, "the cell waited for the Promise");
      assert.equal(await value(kernel, `Promise.resolve(3)`), "Promise { 3 }");
    });

    it('shows a value with [Symbol.for("Jupyter.display")]() as the bundle it returns', async () => {
      const result = await kernel.run(`({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>rich</i>" }; } })`);
      assertOk(result);
      const [executeResult] = ofType(result, "execute_result");
      const data = executeResult.content.data as Record<string, string>;
      assert.equal(data["text/html"], "<i>rich</i>");
      assert.equal(typeof data["text/plain"], "string");
    });

    it("reports a thrown Error with ename, evalue and a traceback naming the cell and line", async () => {
      const result = await runFailing(kernel, `const beforeThrow = 1;\nthrow new Error("bad thing");`);
      const reply = result.reply.content;
      assert.equal(reply.status, "error");
      assert.equal(reply.ename, "Error");
      assert.equal(reply.evalue, "bad thing");
      const [error] = ofType(result, "error");
      assert.ok(error, "no error message on IOPub");
      assert.equal(error.content.ename, "Error");
      assert.equal(error.content.evalue, "bad thing");
      assert.deepEqual(error.content.traceback, reply.traceback);
      const traceback = tracebackText(reply);
      const count = reply.execution_count as number;
      assert.ok(traceback.includes(`Cell In[${count}]`), traceback);
      assert.match(traceback, new RegExp(`Cell In\\[${count}\\][,:] ?(line )?2`));
      assert.ok(traceback.includes(`throw new Error("bad thing")`), traceback);
      assert.ok(!traceback.includes("dist/kernel"), `kernel frames leak into the traceback:\n${traceback}`);
    });

    it("maps the stack line of an error thrown inside a function defined in the cell to the cell line", async () => {
      const code = [`function explode(): number {`, `  const depth = 1;`, `  throw new RangeError("too deep " + depth);`, `}`, `explode();`].join("\n");
      const result = await runFailing(kernel, code);
      const reply = result.reply.content;
      assert.equal(reply.status, "error");
      assert.equal(reply.ename, "RangeError");
      assert.equal(reply.evalue, "too deep 1");
      const count = reply.execution_count as number;
      const traceback = tracebackText(reply);
      // One frame a line, each starting with "Cell In[N], line L": what VS Code turns into a link to the cell line.
      const frames = traceback.split("\n").filter((line) => line.startsWith(`Cell In[${count}]`));
      assert.ok(frames.some((line) => /^Cell In\[\d+\], line 3, column \d+, in explode$/.test(line)), traceback);
      assert.ok(frames.some((line) => /^Cell In\[\d+\], line 5, column \d+$/.test(line)), traceback);
    });
  });

  describe("display", () => {
    it("publishes display_data, then update_display_data from a later cell with that cell as parent", async () => {
      const shown = await kernel.run(`const shownHandle = display.html("<b>first</b>");`);
      assertOk(shown);
      const [displayData] = ofType(shown, "display_data");
      assert.ok(displayData, `no display_data: ${types(shown.iopub)}`);
      assert.equal((displayData.content.data as Record<string, string>)["text/html"], "<b>first</b>");
      const displayId = (displayData.content.transient as { display_id: string }).display_id;
      assert.equal(typeof displayId, "string");
      assert.ok(displayId.length > 0);
      assert.equal(await value(kernel, `shownHandle.displayId`), `'${displayId}'`);

      const updated = await kernel.run(`shownHandle.update("second");`);
      assertOk(updated);
      const [update] = ofType(updated, "update_display_data");
      assert.ok(update, `no update_display_data: ${types(updated.iopub)}`);
      assert.equal(update.parent_header.msg_id, requestId(updated));
      assert.equal((update.content.transient as { display_id: string }).display_id, displayId);
      // A handle from display.html keeps its kind.
      assert.equal((update.content.data as Record<string, string>)["text/html"], "second");
      assert.deepEqual(ofType(updated, "display_data"), []);
    });

    it("publishes clear_output with wait true", async () => {
      const result = await kernel.run(`clearOutput({ wait: true });\nconsole.log("after clear");`);
      assertOk(result);
      const [clear] = ofType(result, "clear_output");
      assert.ok(clear, `no clear_output: ${types(result.iopub)}`);
      assert.equal(clear.content.wait, true);
      assert.ok(types(result.iopub).indexOf("clear_output") < types(result.iopub).indexOf("stream"));
      const plain = await kernel.run(`clearOutput();`);
      assert.equal(ofType(plain, "clear_output")[0]?.content.wait, false);
    });

    it("shows PNG bytes as base64 image/png", async () => {
      const result = await kernel.run(`const pngHandle = display.png(new Uint8Array([137, 80, 78, 71]));`);
      assertOk(result);
      const [displayData] = ofType(result, "display_data");
      assert.equal((displayData.content.data as Record<string, string>)["image/png"], Buffer.from([137, 80, 78, 71]).toString("base64"));
      assert.equal((displayData.content.data as Record<string, string>)["image/png"], "iVBORw==");
    });

    it("shows json and a bundle as given", async () => {
      const result = await kernel.run(`display.json({ k: [1, 2] });\ndisplay.bundle({ "text/markdown": "# T", "text/plain": "T" });\nundefined`);
      assertOk(result);
      const [json, bundle] = ofType(result, "display_data").map((message) => message.content.data as Record<string, unknown>);
      assert.deepEqual(json["application/json"], { k: [1, 2] });
      assert.deepEqual(bundle, { "text/markdown": "# T", "text/plain": "T" });
    });

    it("supports tslab.display.html", async () => {
      const result = await kernel.run(`import * as tslab from "tslab";\ntslab.display.html("<b>x</b>")`);
      assertOk(result);
      const [displayData] = ofType(result, "display_data");
      assert.ok(displayData, `no display_data: ${types(result.iopub)}`);
      assert.equal((displayData.content.data as Record<string, string>)["text/html"], "<b>x</b>");
      assert.deepEqual(ofType(result, "execute_result"), []);
    });

    it("supports tslab.newDisplay(), whose second call updates the first output", async () => {
      const result = await kernel.run(`const d = tslab.newDisplay();\nd.text("a");\nd.text("b");`);
      assertOk(result);
      const outputs = result.iopub.filter((message) => /display_data$/.test(message.header.msg_type));
      assert.deepEqual(types(outputs), ["display_data", "update_display_data"]);
      const ids = outputs.map((message) => (message.content.transient as { display_id: string }).display_id);
      assert.equal(ids[0], ids[1]);
      assert.deepEqual(outputs.map((message) => (message.content.data as Record<string, string>)["text/plain"]), ["a", "b"]);
    });
  });

  describe("execute_reply", () => {
    it("has status, execution_count, user_expressions and payload", async () => {
      const result = await kernel.run(`40 + 2`);
      const reply = result.reply;
      assert.equal(reply.header.msg_type, "execute_reply");
      assert.equal(reply.content.status, "ok");
      assert.equal(typeof reply.content.execution_count, "number");
      assert.deepEqual(reply.content.user_expressions, {});
      assert.deepEqual(reply.content.payload, []);
    });

    it("increments execution_count only when store_history is true and silent is false", async () => {
      const first = await kernel.run(`1`);
      const n = first.reply.content.execution_count as number;
      const second = await kernel.run(`2`);
      assert.equal(second.reply.content.execution_count, n + 1);
      const unstored = await kernel.run(`3`, { store_history: false });
      assertOk(unstored);
      assert.equal(unstored.reply.content.execution_count, n + 1);
      const silent = await kernel.run(`4`, { silent: true });
      assertOk(silent);
      assert.equal(silent.reply.content.execution_count, n + 1);
      const next = await kernel.run(`5`);
      assert.equal(next.reply.content.execution_count, n + 2);
      assert.equal(ofType(next, "execute_input")[0].content.execution_count, n + 2);
    });

    it("publishes neither execute_input nor execute_result for a silent execution", async () => {
      const result = await kernel.run(`(globalThis as any).silentRan = "yes";\n1 + 1`, { silent: true });
      assertOk(result);
      assert.deepEqual(types(result.iopub), ["status", "status"]);
      assert.equal(await value(kernel, `(globalThis as any).silentRan`), "'yes'");
    });

    it("evaluates user_expressions, with status error for one that throws", async () => {
      const result = await kernel.run(`const userExprBase = 7;`, {
        user_expressions: { two: "1 + 1", scaled: "userExprBase * 6", text: "'a' + 'b'", broken: "notDefinedAnywhere.x" },
      });
      assertOk(result);
      const expressions = result.reply.content.user_expressions as Record<string, Record<string, unknown>>;
      assert.deepEqual(expressions.two, { status: "ok", data: { "text/plain": "2" }, metadata: {} });
      assert.deepEqual(expressions.scaled, { status: "ok", data: { "text/plain": "42" }, metadata: {} });
      assert.deepEqual(expressions.text, { status: "ok", data: { "text/plain": "'ab'" }, metadata: {} });
      assert.equal(expressions.broken.status, "error");
      assert.equal(expressions.broken.ename, "ReferenceError");
      assert.match(String(expressions.broken.evalue), /notDefinedAnywhere/);
    });
  });

  describe("stop_on_error", () => {
    it("aborts the cells queued behind a failing one", async () => {
      const pending = [
        kernel.run(`throw new Error("first fails");`),
        kernel.run(`(globalThis as any).abortedSecond = "ran";`),
        kernel.run(`(globalThis as any).abortedThird = "ran";`),
      ];
      const [first, second, third] = await Promise.all(pending);
      assert.equal(first.reply.content.status, "error");
      assert.equal(first.reply.content.ename, "Error");
      for (const aborted of [second, third]) {
        assert.equal(aborted.reply.content.status, "error");
        assert.equal(aborted.reply.content.ename, "ExecutionAborted");
        assert.deepEqual(ofType(aborted, "execute_input"), []);
        assert.equal(aborted.iopub[0].content.execution_state, "busy");
        assert.equal(aborted.iopub.at(-1)!.content.execution_state, "idle");
      }
      assert.equal(await value(kernel, `typeof (globalThis as any).abortedSecond + " " + typeof (globalThis as any).abortedThird`), "'undefined undefined'");
    });

    it("runs the cells queued behind a failing one sent with stop_on_error false", async () => {
      const pending = [
        kernel.run(`throw new Error("first fails");`, { stop_on_error: false }),
        kernel.run(`(globalThis as any).keptSecond = "ran";`),
        kernel.run(`(globalThis as any).keptThird = "ran"; 3`),
      ];
      const [first, second, third] = await Promise.all(pending);
      assert.equal(first.reply.content.status, "error");
      assertOk(second);
      assertOk(third);
      assert.equal(resultText(third), "3");
      assert.equal(await value(kernel, `(globalThis as any).keptSecond + " " + (globalThis as any).keptThird`), "'ran ran'");
    });

    it("runs a cell sent right after a failed cell's reply and status idle arrived", async () => {
      // A client that waits for the failed cell's status idle before sending the next cell must not have it aborted.
      const failures = [`throw new Error("alone");`, `notDefinedForRace.y;`, `const raceBad: number = "s";`];
      const aborted: string[] = [];
      // The race is timing-dependent: enough rounds to see it nearly every run (it hit about one round in four).
      for (let i = 0; i < 60; i++) {
        const failing = failures[i % failures.length];
        const failed = await kernel.run(failing);
        assert.equal(failed.reply.content.status, "error");
        const next = await kernel.run(`"after ${i}"`);
        if (next.reply.content.status !== "ok") aborted.push(`after ${failing}: ${String(next.reply.content.ename)}`);
        else assert.equal(resultText(next), `'after ${i}'`);
      }
      assert.deepEqual(aborted, []);
    });
  });

  describe("complete_request", () => {
    before(async () => {
      assertOk(await kernel.run(`const myModel = { trainStep(): number { return 1; }, epochs: 3 };`));
    });

    it("completes members after a dot", async () => {
      const code = `myModel.`;
      const { reply, iopub } = await kernel.traced("shell", "complete_request", { code, cursor_pos: code.length });
      assert.equal(reply.header.msg_type, "complete_reply");
      assert.equal(reply.content.status, "ok");
      const matches = reply.content.matches as string[];
      assert.ok(matches.includes("trainStep"), `matches: ${matches}`);
      assert.ok(matches.includes("epochs"), `matches: ${matches}`);
      assert.equal(reply.content.cursor_start, 8);
      assert.equal(reply.content.cursor_end, 8);
      assert.deepEqual(types(iopub), ["status", "status"]);
    });

    it("completes a partial identifier, from the identifier's start", async () => {
      const code = `const total = myMo`;
      const { reply } = await kernel.traced("shell", "complete_request", { code, cursor_pos: code.length });
      const matches = reply.content.matches as string[];
      assert.ok(matches.includes("myModel"), `matches: ${matches}`);
      assert.ok(matches.every((match) => match.toLowerCase().startsWith("mymo")), `matches: ${matches}`);
      assert.equal(reply.content.cursor_start, code.length - 4);
      assert.equal(reply.content.cursor_end, code.length);
    });

    it("counts cursor_pos and cursor_start in Unicode code points", async () => {
      const code = `const party = "🎉🎉"; myModel.tr`;
      const codePoints = [...code].length;
      assert.equal(codePoints, code.length - 2);
      const { reply } = await kernel.traced("shell", "complete_request", { code, cursor_pos: codePoints });
      const matches = reply.content.matches as string[];
      assert.ok(matches.includes("trainStep"), `matches: ${matches}`);
      assert.ok(!matches.includes("epochs"), `matches: ${matches}`);
      assert.equal(reply.content.cursor_start, codePoints - 2);
      assert.equal(reply.content.cursor_end, codePoints);
    });
  });

  describe("inspect_request", () => {
    before(async () => {
      assertOk(await kernel.run(`/** Scales a value by the learning rate. */\nfunction scaleByRate(value: number, rate = 0.1): number {\n  return value * rate;\n}`));
    });

    it("describes a function declared in an earlier cell, with its JSDoc", async () => {
      const code = `scaleByRate`;
      const { reply, iopub } = await kernel.traced("shell", "inspect_request", { code, cursor_pos: code.length, detail_level: 0 });
      assert.equal(reply.header.msg_type, "inspect_reply");
      assert.equal(reply.content.status, "ok");
      assert.equal(reply.content.found, true);
      const data = reply.content.data as Record<string, string>;
      assert.ok(data["text/plain"].includes("function scaleByRate(value: number, rate?: number): number"), data["text/plain"]);
      assert.ok(data["text/plain"].includes("Scales a value by the learning rate."), data["text/plain"]);
      assert.ok(data["text/markdown"].includes("```typescript\nfunction scaleByRate("), data["text/markdown"]);
      assert.ok(data["text/markdown"].includes("Scales a value by the learning rate."), data["text/markdown"]);
      assert.deepEqual(types(iopub), ["status", "status"]);
    });

    it("answers found false for a name that is not defined", async () => {
      const code = `zzzNotDefinedAnywhere`;
      const { reply } = await kernel.traced("shell", "inspect_request", { code, cursor_pos: code.length, detail_level: 0 });
      assert.equal(reply.content.status, "ok");
      assert.equal(reply.content.found, false, `found: ${JSON.stringify(reply.content.data)}`);
    });

    it("answers found false for nonsense", async () => {
      for (const code of [`   `, `)(*&`]) {
        const { reply } = await kernel.traced("shell", "inspect_request", { code, cursor_pos: 1, detail_level: 0 });
        assert.equal(reply.content.status, "ok");
        assert.equal(reply.content.found, false, code);
        assert.deepEqual(reply.content.data, {});
      }
    });
  });

  describe("is_complete_request", () => {
    const cases: [string, string, string?][] = [
      ["1+1", "complete"],
      ["function f() {", "incomplete", "  "],
      ["`abc${", "incomplete"],
      ["1 +", "incomplete"],
      [")", "invalid"],
      ["let x = 1; }", "invalid"],
      ["let x = [1, 2,", "incomplete", "  "],
      ["if (ready) {\n  call(", "incomplete", "    "],
      ["const s = `line one\n", "incomplete"],
      // Open brackets, but no continuation can mend what comes before them.
      ["function ((", "invalid"],
      ["let = ;", "invalid"],
      ["foo(1 2", "invalid"],
    ];
    for (const [code, status, indent] of cases) {
      it(`says ${JSON.stringify(code)} is ${status}`, async () => {
        const { reply, iopub } = await kernel.traced("shell", "is_complete_request", { code });
        assert.equal(reply.header.msg_type, "is_complete_reply");
        assert.equal(reply.content.status, status);
        if (indent !== undefined) assert.equal(reply.content.indent, indent);
        if (status === "incomplete") assert.equal(typeof reply.content.indent, "string");
        assert.deepEqual(types(iopub), ["status", "status"]);
      });
    }
  });

  describe("history_request", () => {
    before(async () => {
      assertOk(await kernel.run(`function historyMarker() { return 41; }`));
      assertOk(await kernel.run(`historyMarker() + 1`));
    });

    it("answers tail with the last cells and their output", async () => {
      const { reply, iopub } = await kernel.traced("shell", "history_request", { hist_access_type: "tail", n: 2, output: true, raw: true });
      assert.equal(reply.header.msg_type, "history_reply");
      assert.equal(reply.content.status, "ok");
      const history = reply.content.history as [number, number, [string, string | null]][];
      assert.equal(history.length, 2);
      assert.deepEqual(history.map(([, , entry]) => entry), [[`function historyMarker() { return 41; }`, null], [`historyMarker() + 1`, "42"]]);
      assert.equal(history[1][1], history[0][1] + 1);
      assert.deepEqual(types(iopub), ["status", "status"]);
    });

    it("answers range for session 0 with this session's cells", async () => {
      const { reply } = await kernel.traced("shell", "history_request", { hist_access_type: "range", session: 0, start: 1, stop: null, output: false, raw: true });
      const history = reply.content.history as [number, number, string][];
      const sources = history.map(([, , source]) => source);
      assert.ok(sources.includes(`import { display, clearOutput } from "tfjs-studio";`), `sources: ${sources}`);
      assert.ok(sources.includes(`historyMarker() + 1`));
      assert.ok(history.every(([session]) => session === history[0][0]));
      assert.ok(history.every(([, line], index) => index === 0 || line > history[index - 1][1]), "lines out of order");
      assert.equal(history[0][1], 1);
    });

    it("answers search with a glob pattern", async () => {
      const { reply } = await kernel.traced("shell", "history_request", { hist_access_type: "search", pattern: "historyMarker*", output: false, raw: true });
      const sources = (reply.content.history as [number, number, string][]).map(([, , source]) => source);
      assert.deepEqual(sources, [`historyMarker() + 1`]);
      const { reply: any } = await kernel.traced("shell", "history_request", { hist_access_type: "search", pattern: "*historyMarker*", output: false, raw: true, n: 10 });
      assert.deepEqual((any.content.history as [number, number, string][]).map(([, , source]) => source), [`function historyMarker() { return 41; }`, `historyMarker() + 1`]);
    });

    it("writes the history to the file named by TFJS_STUDIO_HISTORY", () => {
      const text = fs.readFileSync(kernel.historyFile, "utf8");
      assert.ok(text.includes(JSON.stringify(`historyMarker() + 1`)), text);
    });
  });
});
