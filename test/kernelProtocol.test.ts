// The tfjs-studio kernel through the Jupyter protocol: a real kernel process, driven by KernelClient.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zmq from "zeromq";
import { ExecuteOptions, ExecuteResult, KernelClient } from "../kernel/client/kernelClient";
import { CONNECTION_FILE_PLACEHOLDER, kernelArgv, writeConnectionFile } from "../kernel/client/kernelLauncher";
import { endpoint } from "../kernel/protocol/connectionFile";
import { processExists } from "../kernel/processExists";
import { JupyterMessage, makeMessage } from "../kernel/protocol/messages";
import { Signer, decodeMessage, encodeMessage } from "../kernel/protocol/wire";
import { StudioKernel, assertOk, delay, ofType, resultText, startStudioKernel, streamText, stripAnsi, types, value } from "./support/studioKernel";

const TS_VERSION: string = require("typescript/package.json").version;

function requestId(result: ExecuteResult): string {
  return result.reply.parent_header.msg_id as string;
}

/**
 * Runs a cell that is expected to fail. stop_on_error is off so that the failure cannot abort the next test's cell
 * (the kernel has a race there, tested on its own in "stop_on_error").
 */
function runFailing(kernel: StudioKernel, code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  return kernel.run(code, { stop_on_error: false, ...options });
}

function tracebackText(content: Record<string, unknown>): string {
  return stripAnsi((content.traceback as string[]).join("\n"));
}

/** Runs a cell that the kernel is expected to be stuck in, and measures how long the interrupt takes to end it. */
async function runAndInterrupt(
  kernel: StudioKernel,
  code: string,
  interrupt: () => Promise<unknown> | void,
  settleMs = 500,
): Promise<{ result: ExecuteResult; interruptToReplyMs: number }> {
  let sentAt = 0;
  let interrupting: Promise<unknown> | undefined;
  const result = await kernel.run(code, {
    timeoutMs: 8_000,
    stop_on_error: false,
    onIopub: (message) => {
      if (message.header.msg_type !== "execute_input") return;
      // Leave the kernel time to compile the cell and enter it.
      interrupting = delay(settleMs).then(() => {
        sentAt = Date.now();
        return interrupt();
      });
    },
  });
  const repliedAt = Date.now();
  await interrupting;
  assert.ok(sentAt > 0, "the interrupt was never sent");
  return { result, interruptToReplyMs: repliedAt - sentAt };
}

/**
 * Tells an interrupted cell from one that ran on until it ended by itself. The goal (≤ 1 s from the interrupt
 * to the reply) is measured by `npm run bench` (bench/kernel.bench.mjs), not here on a shared machine.
 */
function assertInterruptedPromptly(interruptToReplyMs: number): void {
  assert.ok(interruptToReplyMs < 5000, `the interrupt took ${interruptToReplyMs} ms`);
}

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
      assert.ok((content.banner as string).includes(TS_VERSION), `banner: ${content.banner}`);
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
      assert.ok(traceback.includes(`explode (Cell In[${count}]:3:`), traceback);
      assert.ok(traceback.includes(`Cell In[${count}]:5:`), traceback);
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
      assert.equal((update.content.data as Record<string, string>)["text/plain"], "'second'");
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
        if (next.reply.content.status !== "ok") aborted.push(`after ${failing}: ${next.reply.content.ename}`);
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

describe("tfjs-studio kernel: TypeScript cells", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  function writeFiles(dir: string, files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  }

  before(async () => {
    kernel = await startStudioKernel({
      prepare: (dir) =>
        writeFiles(dir, {
          "node_modules/esm-only-pkg/package.json": JSON.stringify({
            name: "esm-only-pkg",
            version: "1.0.0",
            type: "module",
            exports: { ".": { import: "./index.js", types: "./index.d.ts" } },
          }),
          "node_modules/esm-only-pkg/index.js": `const base = await Promise.resolve(7);\nexport const answer = base * 6;\nexport function shout(text) { return text.toUpperCase() + "!"; }\n`,
          "node_modules/esm-only-pkg/index.d.ts": `export declare const answer: number;\nexport declare function shout(text: string): string;\n`,
          "node_modules/cjs-calc/package.json": JSON.stringify({ name: "cjs-calc", version: "1.0.0", main: "index.js" }),
          "node_modules/cjs-calc/index.js": `module.exports = { add(a, b) { return a + b; }, label: "calc" };\n`,
          "node_modules/cjs-calc/index.d.ts": `declare namespace calc {\n  function add(a: number, b: number): number;\n  const label: string;\n}\nexport = calc;\n`,
          "data.json": JSON.stringify({ name: "mnist", items: [1, 2, 3] }),
          "util.ts": `export function double(n: number): number {\n  return n * 2;\n}\nexport const UTIL_NAME: string = "util";\n`,
        }),
    });
    assertOk(await kernel.run(`"warm"`));
  });
  after(async () => {
    await kernel?.stop();
  });

  it("reports a type error with its TS code, message, line and column, and does not run the cell", async () => {
    const code = `(globalThis as any).typeErrorSideEffect = "ran";\nconsole.log("should not print");\nconst wrong: number = "text";`;
    const result = await runFailing(kernel, code);
    const reply = result.reply.content;
    assert.equal(reply.status, "error");
    assert.equal(reply.ename, "TypeScriptError");
    assert.match(String(reply.evalue), /TS2322/);
    assert.match(String(reply.evalue), /Type 'string' is not assignable to type 'number'/);
    assert.match(String(reply.evalue), /line 3, column 7/);
    const traceback = tracebackText(reply);
    assert.ok(traceback.includes("TS2322"), traceback);
    assert.ok(traceback.includes(`const wrong: number = "text";`), traceback);
    assert.equal(ofType(result, "error")[0]?.content.ename, "TypeScriptError");
    assert.equal(streamText(result), "");
    assert.equal(await value(kernel, `typeof (globalThis as any).typeErrorSideEffect`), "'undefined'");
  });

  it("lists each type error's line, column (UTF-16) and length in `diagnostics`, for editors to mark", async () => {
    const lines = [`const ok = 1;`, `const party = "🎉"; const wrong: number = "text";`, `ok.toFixed(1).nope;`];
    const result = await runFailing(kernel, lines.join("\n"));
    const expected = [
      { line: 2, column: lines[1].indexOf("wrong") + 1, length: "wrong".length, code: 2322, category: "error" },
      { line: 3, column: lines[2].indexOf("nope") + 1, length: "nope".length, code: 2339, category: "error" },
    ];
    for (const content of [result.reply.content, ofType(result, "error")[0]?.content]) {
      const diagnostics = content?.diagnostics as { message: string }[];
      assert.deepEqual(diagnostics.map(({ message, ...where }) => where), expected);
      assert.match(diagnostics[0].message, /Type 'string' is not assignable to type 'number'/);
      assert.match(diagnostics[1].message, /Property 'nope' does not exist on type 'string'/);
    }
    assert.equal((await runFailing(kernel, `throw new Error("runtime")`)).reply.content.diagnostics, undefined);
  });

  it("lets later cells redeclare let, const, function and class with a new type", async () => {
    assertOk(await kernel.run(`let redeclaredLet = 1;\nconst redeclaredConst = 1;\nfunction redeclaredFn(): number { return 1; }\nclass RedeclaredClass { size = 1; }`));
    assert.equal(await value(kernel, `redeclaredConst + redeclaredLet + redeclaredFn() + new RedeclaredClass().size`), "4");
    assert.equal(await value(kernel, `let redeclaredLet = "four";\nredeclaredLet.length`), "4");
    assert.equal(await value(kernel, `const redeclaredConst = "s";\nredeclaredConst.length`), "1");
    assert.equal(await value(kernel, `function redeclaredFn(): string { return "two"; }\nredeclaredFn().length`), "3");
    assert.equal(await value(kernel, `class RedeclaredClass { label = "circle"; }\nnew RedeclaredClass().label.length`), "6");
    // The old types are gone: using them is now a type error.
    const stale = await runFailing(kernel, `new RedeclaredClass().size`);
    assert.equal(stale.reply.content.ename, "TypeScriptError");
    assert.match(String(stale.reply.content.evalue), /TS2339/);
  });

  it("lets a function from an earlier cell see a variable reassigned in a later cell", async () => {
    assertOk(await kernel.run(`let rate = 10;\nfunction scaled(n: number): number { return n * rate; }`));
    assertOk(await kernel.run(`rate = 3;`));
    assert.equal(await value(kernel, `scaled(2)`), "6");
    assertOk(await kernel.run(`let rate = 5;`));
    assert.equal(await value(kernel, `scaled(2)`), "10");
  });

  it("supports top-level await", async () => {
    assert.equal(await value(kernel, `const awaited = await new Promise<number>((resolve) => setTimeout(() => resolve(21), 50));\nawaited * 2`), "42");
    assert.equal(await value(kernel, `awaited`), "21");
  });

  it("imports a Node built-in in one cell and uses it in the next", async () => {
    assertOk(await kernel.run(`import * as fs from "fs";`));
    assert.equal(await value(kernel, `fs.existsSync("util.ts")`), "true");
    const typed = await runFailing(kernel, `fs.existsSync(42)`);
    assert.equal(typed.reply.content.ename, "TypeScriptError");
  });

  it("imports an ESM-only package with top-level await by name, with its types", async () => {
    assert.equal(await value(kernel, `import { shout, answer } from "esm-only-pkg";\nshout("hi") + answer`), "'HI!42'");
    const wrong = await runFailing(kernel, `shout(42)`);
    assert.equal(wrong.reply.content.status, "error");
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
  });

  it("imports a CommonJS package with default and named imports, with its types", async () => {
    assert.equal(await value(kernel, `import calc, { add, label } from "cjs-calc";\ncalc.add(1, 2) + add(3, 4) + label`), "'10calc'");
    const wrong = await runFailing(kernel, `add("1", 2)`);
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
  });

  it("imports a JSON file with its types", async () => {
    assert.equal(await value(kernel, `import data from "./data.json";\ndata.name + data.items.length`), "'mnist3'");
    const wrong = await runFailing(kernel, `data.missing`);
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
  });

  it("imports a local .ts file next to the notebook, with its types", async () => {
    assert.equal(await value(kernel, `import { double, UTIL_NAME } from "./util";\ndouble(21) + UTIL_NAME`), "'42util'");
    const wrong = await runFailing(kernel, `double("21")`);
    assert.equal(wrong.reply.content.status, "error");
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
    assert.equal(await value(kernel, `double(5)`), "10");
  });

  it("checks cells strictly when the notebook folder has no tsconfig.json", async () => {
    const result = await runFailing(kernel, `let maybeNull: number = null;`);
    assert.equal(result.reply.content.ename, "TypeScriptError");
    assert.match(String(result.reply.content.evalue), /TS2322/);
  });
});

describe("tfjs-studio kernel: tsconfig.json in the notebook folder", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel({
      prepare: (dir) => fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: false } })),
    });
  });
  after(async () => {
    await kernel?.stop();
  });

  it("applies its compiler options: strict false accepts null for number", async () => {
    const result = await kernel.run(`let maybeNull: number = null;\nmaybeNull`);
    assertOk(result);
    assert.equal(resultText(result), "null");
  });
});

describe("tfjs-studio kernel: comms and stdin", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;
  const commId = "3c8e1b2a-0000-4000-8000-00000000c0de";

  before(async () => {
    kernel = await startStudioKernel();
    const result = await kernel.run(
      [
        `import { registerCommTarget, openComm, input } from "tfjs-studio";`,
        `registerCommTarget("echo", (comm, data) => {`,
        `  comm.send({ opened: data });`,
        `  comm.onMessage((received) => comm.send({ echo: received }));`,
        `});`,
      ].join("\n"),
    );
    assertOk(result);
  });
  after(async () => {
    await kernel?.stop();
  });

  const isComm = (msgType: string, match: (content: Record<string, unknown>) => boolean) => (message: JupyterMessage) =>
    message.header.msg_type === msgType && message.content.comm_id === commId && match(message.content);

  it("lists no comms before any is open", async () => {
    const { reply, iopub } = await kernel.traced("shell", "comm_info_request", {});
    assert.equal(reply.header.msg_type, "comm_info_reply");
    assert.equal(reply.content.status, "ok");
    assert.deepEqual(reply.content.comms, {});
    assert.deepEqual(types(iopub), ["status", "status"]);
  });

  it("runs the registered target's handler on comm_open and lists the comm in comm_info", async () => {
    await kernel.sendRaw("comm_open", { comm_id: commId, target_name: "echo", data: { hello: "world" } });
    const opened = await kernel.waitForIopub(isComm("comm_msg", (content) => content.data !== undefined && "opened" in (content.data as object)));
    assert.deepEqual(opened.content.data, { opened: { hello: "world" } });
    const { reply } = await kernel.traced("shell", "comm_info_request", {});
    assert.deepEqual(reply.content.comms, { [commId]: { target_name: "echo" } });
    const filtered = await kernel.traced("shell", "comm_info_request", { target_name: "other" });
    assert.deepEqual(filtered.reply.content.comms, {});
  });

  it("echoes a comm_msg back as an IOPub comm_msg", async () => {
    await kernel.sendRaw("comm_msg", { comm_id: commId, data: { ping: 1 } });
    const echo = await kernel.waitForIopub(isComm("comm_msg", (content) => JSON.stringify(content.data) === JSON.stringify({ echo: { ping: 1 } })));
    assert.deepEqual(echo.content.data, { echo: { ping: 1 } });
  });

  it("parents what a comm handler publishes to the comm message that triggered it", async () => {
    const sent = await kernel.sendRaw("comm_msg", { comm_id: commId, data: { ping: 2 } });
    const echo = await kernel.waitForIopub(isComm("comm_msg", (content) => JSON.stringify(content.data) === JSON.stringify({ echo: { ping: 2 } })));
    const busy = await kernel.waitForIopub((message) => message.parent_header.msg_id === sent.header.msg_id && message.content.execution_state === "busy");
    assert.equal(busy.header.msg_type, "status");
    assert.equal(echo.parent_header.msg_id, sent.header.msg_id, `the echo's parent is a ${echo.parent_header.msg_type}, not the comm_msg`);
  });

  it("forgets a comm on comm_close", async () => {
    const sent = await kernel.sendRaw("comm_close", { comm_id: commId, data: {} });
    await kernel.waitForIopub((message) => message.parent_header.msg_id === sent.header.msg_id && message.content.execution_state === "idle");
    const { reply } = await kernel.traced("shell", "comm_info_request", {});
    assert.deepEqual(reply.content.comms, {});
  });

  it("publishes comm_close for a comm_open to an unknown target", async () => {
    const unknownId = "3c8e1b2a-0000-4000-8000-0000000bad00";
    await kernel.sendRaw("comm_open", { comm_id: unknownId, target_name: "no-such-target", data: {} });
    const closed = await kernel.waitForIopub((message) => message.header.msg_type === "comm_close" && message.content.comm_id === unknownId);
    assert.equal(closed.content.comm_id, unknownId);
    const { reply } = await kernel.traced("shell", "comm_info_request", {});
    assert.deepEqual(reply.content.comms, {});
  });

  it("publishes comm_open for a comm a cell opens, and lists it", async () => {
    const result = await kernel.run(`const kernelComm = openComm("frontend.target", { x: 1 });\nkernelComm.commId`);
    assertOk(result);
    const [open] = ofType(result, "comm_open");
    assert.ok(open, `no comm_open: ${types(result.iopub)}`);
    assert.equal(open.content.target_name, "frontend.target");
    assert.deepEqual(open.content.data, { x: 1 });
    assert.equal(resultText(result), `'${open.content.comm_id}'`);
    const { reply } = await kernel.traced("shell", "comm_info_request", {});
    assert.deepEqual(reply.content.comms, { [open.content.comm_id as string]: { target_name: "frontend.target" } });
  });

  it("asks the frontend for input and returns the answer", async () => {
    const prompts: unknown[] = [];
    const result = await kernel.run(`const yourName = await input("name? ");\nconsole.log("hi " + yourName);\nyourName`, {
      onInput: (request) => {
        prompts.push(request);
        return "ada";
      },
    });
    assertOk(result);
    assert.deepEqual(prompts, [{ prompt: "name? ", password: false }]);
    assert.equal(streamText(result), "hi ada\n");
    assert.equal(resultText(result), "'ada'");
  });

  it("sends input_request with password true for a password", async () => {
    const requests: JupyterMessage[] = [];
    const onStdin = (message: JupyterMessage): void => void requests.push(message);
    kernel.client.on("stdin", onStdin);
    try {
      const result = await kernel.run(`(await input("p", { password: true })).length`, { onInput: () => "secret" });
      assertOk(result);
      assert.equal(resultText(result), "6");
    } finally {
      kernel.client.off("stdin", onStdin);
    }
    assert.equal(requests.length, 1);
    assert.equal(requests[0].content.prompt, "p");
    assert.equal(requests[0].content.password, true);
  });

  it("fails input() with StdinNotImplementedError when allow_stdin is false", async () => {
    const result = await runFailing(kernel, `await input("name? ")`, { allow_stdin: false });
    assert.equal(result.reply.content.status, "error");
    assert.equal(result.reply.content.ename, "StdinNotImplementedError");
    assert.equal(ofType(result, "error")[0]?.content.ename, "StdinNotImplementedError");
  });
});

describe("tfjs-studio kernel: heartbeat and interrupts", function () {
  this.timeout(40_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`"warm"`));
  });
  after(async () => {
    await kernel?.stop();
  });

  it("answers heartbeat and kernel_info on control while a cell blocks the main thread", async () => {
    const LOOP_MS = 5000;
    const started = Date.now();
    let running = false;
    const execution = kernel.run(`const end = Date.now() + ${LOOP_MS};\nwhile (Date.now() < end) {}\n"done"`, {
      onIopub: (message) => {
        if (message.header.msg_type === "execute_input") running = true;
      },
    });
    while (!running) await delay(20);
    await delay(500);
    const pings: boolean[] = [];
    for (let i = 0; i < 3; i++) pings.push(await kernel.client.ping(500));
    const info = await kernel.client.request("control", "kernel_info_request", {}, { timeoutMs: LOOP_MS });
    const checkedAt = Date.now() - started;
    const result = await execution;
    assertOk(result);
    assert.equal(resultText(result), "'done'");
    assert.ok(Date.now() - started >= LOOP_MS - 100, `the loop did not block for ${LOOP_MS} ms`);
    // Answered while the loop still held the main thread: not queued behind it.
    assert.ok(checkedAt < LOOP_MS, `the checks ended ${checkedAt} ms in, after the loop`);
    assert.deepEqual(pings, [true, true, true]);
    assert.equal(info.header.msg_type, "kernel_info_reply");
  });

  it("interrupts `while (true) {}`, keeping what the cell declared before", async () => {
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `let counter = 41;\nwhile (true) {}`, () => kernel.launched.interrupt());
    assert.equal(result.reply.content.status, "error");
    assert.equal(result.reply.content.ename, "Interrupted");
    assert.equal(ofType(result, "error")[0]?.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    assert.equal(await value(kernel, `counter`), "41");
  });

  it("interrupts a pending await", async () => {
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `await new Promise((resolve) => setTimeout(resolve, 60000));`, () =>
      kernel.launched.interrupt(),
    );
    assert.equal(result.reply.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    assert.equal(await value(kernel, `1 + 1`), "2");
  });

  it("interrupts a loop that runs after an await", async () => {
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `(globalThis as any).afterAwait = 1;\nawait null;\nwhile (true) {}`, () =>
      kernel.launched.interrupt(),
    );
    assert.equal(result.reply.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    assert.equal(await value(kernel, `(globalThis as any).afterAwait + 1`), "2");
    assert.equal(await value(kernel, `await Promise.resolve("async still works")`), "'async still works'");
  });

  it("accepts interrupt_request on shell", async () => {
    let reply: JupyterMessage | undefined;
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `while (true) {}`, async () => {
      reply = await kernel.client.request("shell", "interrupt_request", {}, { timeoutMs: 5000 });
    });
    assert.equal(result.reply.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    assert.equal(reply?.header.msg_type, "interrupt_reply");
    assert.equal(reply?.content.status, "ok");
  });

  it("is interrupted by SIGINT sent to the kernel process", async () => {
    const pid = kernel.launched.pid!;
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `while (true) {}`, () => void process.kill(pid, "SIGINT"));
    assert.equal(result.reply.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    const { result: asyncResult } = await runAndInterrupt(kernel, `await new Promise((resolve) => setTimeout(resolve, 60000));`, () => void process.kill(pid, "SIGINT"));
    assert.equal(asyncResult.reply.content.ename, "Interrupted");
    assert.ok(processExists(kernel.launched.pid!), "the kernel runs");
    assert.equal(await value(kernel, `"alive"`), "'alive'");
  });

  it("does not break the next cell when interrupted while idle", async () => {
    await kernel.launched.interrupt();
    await delay(500);
    assert.equal(await value(kernel, `1 + 1`), "2");
    assert.equal(await value(kernel, `await new Promise<string>((resolve) => setTimeout(() => resolve("waited"), 400))`), "'waited'");
    const spin = await kernel.run(`const until = Date.now() + 400;\nwhile (Date.now() < until) {}\n"spun"`);
    assertOk(spin);
    assert.equal(resultText(spin), "'spun'");
  });

  it("survives a bad signature and garbage frames on shell without answering them", async () => {
    const raw = new zmq.Dealer({ linger: 0, receiveTimeout: 1000 });
    raw.connect(endpoint(kernel.launched.info, kernel.launched.info.shell_port));
    const signer = new Signer(kernel.launched.info.key);
    try {
      const request = (): JupyterMessage => makeMessage("kernel_info_request", {}, undefined, "raw-session") as JupyterMessage;
      await raw.send(encodeMessage(request(), [], new Signer("not the key")));
      await raw.send([Buffer.from("garbage")]);
      await raw.send([Buffer.from("<IDS|MSG>"), Buffer.from("sig"), Buffer.from("{not json"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")]);
      const badHeader = [Buffer.from("{not json"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
      await raw.send([Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(badHeader)), ...badHeader]);
      await assert.rejects(raw.receive(), (error: Error & { code?: string }) => error.code === "EAGAIN");
      // The same socket gets an answer to a good request, so the silence was the kernel's choice.
      const good = request();
      await raw.send(encodeMessage(good, [], signer));
      const { message } = decodeMessage(await raw.receive(), signer);
      assert.equal(message.header.msg_type, "kernel_info_reply");
      assert.equal(message.parent_header.msg_id, good.header.msg_id);
    } finally {
      raw.close();
    }
    assert.ok(processExists(kernel.launched.pid!), "the kernel runs");
    const reply = await kernel.client.request("shell", "kernel_info_request", {}, { timeoutMs: 5000 });
    assert.equal(reply.header.msg_type, "kernel_info_reply");
    assert.equal(await value(kernel, `"still here"`), "'still here'");
  });
});

describe("tfjs-studio kernel: an interrupt right after the cell starts", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`"warm"`));
  });
  after(async () => {
    // The kernel may be wedged if the test fails: do not wait for a graceful shutdown.
    kernel?.launched.kill();
    await kernel?.launched.exited;
    await kernel?.stop();
  });

  it("interrupts `while (true) {}` when the interrupt arrives as soon as execute_input does", async () => {
    const { result, interruptToReplyMs } = await runAndInterrupt(kernel, `let earlyCounter = 7;\nwhile (true) {}`, () => kernel.launched.interrupt(), 0);
    assert.equal(result.reply.content.ename, "Interrupted");
    assertInterruptedPromptly(interruptToReplyMs);
    assert.ok(processExists(kernel.launched.pid!), "the kernel runs");
    // The interrupt may land before the cell's first statement: then the cell does not run at all.
    // Either way the kernel is not wedged and answers the next cell.
    assert.equal(await value(kernel, `6 * 7`), "42");
  });
});

describe("tfjs-studio kernel: an interrupt while the cell compiles", function () {
  this.timeout(60_000);
  let kernel: StudioKernel;
  // About a second to compile, so the interrupt sent with execute_input arrives before the cell can start.
  const slowToCompile = [
    `(globalThis as any).slowCellStarted = true;`,
    ...Array.from({ length: 3000 }, (_, i) => `const slow${i}: { a: number; b: string } = { a: ${i}, b: "x" };`),
    `await new Promise((resolve) => setTimeout(resolve, 60000));`,
  ].join("\n");

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`"warm"`));
  });
  after(async () => {
    await kernel?.stop();
  });

  const interrupts: [string, () => Promise<unknown> | void][] = [
    // A signal that came before the cell began used to be dropped: vm's breakOnSigint closed its handle.
    ["SIGINT", () => void process.kill(kernel.launched.pid!, "SIGINT")],
    ["interrupt_request", () => kernel.launched.interrupt()],
  ];
  for (const [how, interrupt] of interrupts) {
    it(`${how} stops the cell before it starts`, async () => {
      const { result, interruptToReplyMs } = await runAndInterrupt(kernel, slowToCompile, interrupt, 0);
      assert.equal(result.reply.content.ename, "Interrupted");
      assertInterruptedPromptly(interruptToReplyMs);
      assert.equal(await value(kernel, `typeof (globalThis as any).slowCellStarted`), "'undefined'");
      assert.equal(await value(kernel, `6 * 7`), "42");
    });
  }
});

describe("tfjs-studio kernel: an interrupt while it starts", function () {
  this.timeout(30_000);

  it("survives an interrupt_request that arrives before it is ready, and runs the next cell", async () => {
    const { path: connectionFile, info } = await writeConnectionFile();
    const client = await KernelClient.connect(info);
    const [node, ...args] = kernelArgv().map((arg) => arg.replace(CONNECTION_FILE_PLACEHOLDER, connectionFile));
    const kernel = spawn(node, args, { cwd: fs.realpathSync(os.tmpdir()), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    kernel.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    kernel.on("exit", (code, signal) => client.kernelDied(`exit ${code ?? signal}: ${stderr}`));
    try {
      // ZeroMQ holds it until the kernel binds its sockets: it arrives while the kernel is still starting.
      const interrupted = client.request("control", "interrupt_request", {}, { timeoutMs: 20_000 });
      await client.waitForReady(20_000);
      assert.equal((await interrupted).content.status, "ok");
      const result = await client.execute(`6 * 7`, { timeoutMs: 20_000 });
      assert.equal(result.reply.content.status, "ok");
      assert.equal(resultText(result), "42");
    } finally {
      kernel.kill("SIGKILL");
      client.close();
      fs.rmSync(connectionFile, { force: true });
    }
  });
});

describe("tfjs-studio kernel: shutdown", function () {
  this.timeout(30_000);
  const started: StudioKernel[] = [];

  async function start(): Promise<StudioKernel> {
    const kernel = await startStudioKernel();
    started.push(kernel);
    return kernel;
  }

  after(async () => {
    for (const kernel of started) await kernel.stop();
  });

  it("replies to shutdown_request on control and exits with code 0", async () => {
    const kernel = await start();
    const { reply, iopub } = await kernel.traced("control", "shutdown_request", { restart: false });
    assert.equal(reply.header.msg_type, "shutdown_reply");
    assert.equal(reply.content.status, "ok");
    assert.equal(reply.content.restart, false);
    assert.equal(iopub[0].content.execution_state, "busy");
    assert.deepEqual(await kernel.launched.exited, { code: 0, signal: null });
  });

  it("replies restart true to a restart and exits with code 0", async () => {
    const kernel = await start();
    const reply = await kernel.client.request("control", "shutdown_request", { restart: true }, { timeoutMs: 5000 });
    assert.equal(reply.content.status, "ok");
    assert.equal(reply.content.restart, true);
    assert.deepEqual(await kernel.launched.exited, { code: 0, signal: null });
  });

  it("accepts shutdown_request on shell", async () => {
    const kernel = await start();
    const reply = await kernel.client.request("shell", "shutdown_request", { restart: false }, { timeoutMs: 5000 });
    assert.equal(reply.header.msg_type, "shutdown_reply");
    assert.equal(reply.content.status, "ok");
    assert.deepEqual(await kernel.launched.exited, { code: 0, signal: null });
  });

  it("shuts down while a cell is stuck in a loop", async () => {
    const kernel = await start();
    assertOk(await kernel.run(`"warm"`));
    const execution = kernel.client.execute(`while (true) {}`).catch((error: Error) => error);
    await kernel.waitForIopub((message) => message.header.msg_type === "execute_input");
    await delay(500);
    const reply = await kernel.client.request("control", "shutdown_request", { restart: false }, { timeoutMs: 5000 });
    assert.equal(reply.content.status, "ok");
    const exit = await kernel.launched.exited;
    assert.equal(exit.code, 0);
    await execution;
  });
});
