// Malformed requests and misbehaving user values in a real kernel: each gets a clear reply or a normal output,
// never a crash, a hang, or an internal-looking KernelError.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { StudioKernel, assertOk, delay, ofType, resultText, startStudioKernel, streamText, stripAnsi, types, value } from "./support/studioKernel";

describe("tfjs-studio kernel: malformed requests and misbehaving values", function () {
  this.timeout(60_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`import { display } from "tfjs-studio";`));
  });
  after(() => kernel?.stop());

  describe("message types", () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      it(`drops a message of type ${type} as unknown, and answers the next request`, async () => {
        const sent = await kernel.sendRaw(type, {});
        // Answered by the main thread, after the message before it.
        const answered = await kernel.traced("shell", "is_complete_request", { code: "1" });
        assert.equal(answered.reply.content.status, "complete");
        assert.equal(kernel.iopubLog.some((message) => message.parent_header.msg_id === sent.header.msg_id), false, "no reply or status for it");
        // The kernel's log comes through its stderr pipe, which may lag behind the reply.
        const logged = `ignored unsupported shell message ${type}`;
        for (let waited = 0; !kernel.launched.outputTail().includes(logged) && waited < 5000; waited += 100) await delay(100);
        assert.ok(kernel.launched.outputTail().includes(logged), `the kernel logs "${logged}"`);
      });
    }
  });

  describe("execute_request", () => {
    it("takes user_expressions: null as none", async () => {
      const { reply } = await kernel.traced("shell", "execute_request", { code: "1 + 1", user_expressions: null });
      assert.equal(reply.content.status, "ok");
      assert.deepEqual(reply.content.user_expressions, {});
    });

    for (const [what, code] of [["a number", 42], ["null", null], ["an object", { a: 1 }], ["nothing", undefined]] as const) {
      it(`answers code that is ${what} with an error reply that says so, runs nothing and records no history`, async () => {
        const before = fs.existsSync(kernel.historyFile) ? fs.readFileSync(kernel.historyFile, "utf8") : "";
        const { reply, iopub } = await kernel.traced("shell", "execute_request", code === undefined ? {} : { code });
        assert.equal(reply.content.status, "error");
        assert.equal(reply.content.ename, "InvalidRequest");
        assert.match(String(reply.content.evalue), /execute_request needs code as a string/);
        assert.ok(Number(reply.content.execution_count) > 0, "a real execution count");
        assert.deepEqual(types(iopub), ["status", "error", "status"]);
        const after = fs.readFileSync(kernel.historyFile, "utf8").slice(before.length);
        for (const line of after.split("\n").filter(Boolean)) {
          const entry = JSON.parse(line) as { source?: unknown };
          if ("source" in entry) assert.equal(typeof entry.source, "string", `history line ${line}`);
        }
      });
    }

    it("answers user_expressions that are not an object, and expressions that are not strings, with clear errors", async () => {
      const { reply } = await kernel.traced("shell", "execute_request", { code: "1", user_expressions: "x" });
      assert.equal(reply.content.ename, "InvalidRequest");
      assert.match(String(reply.content.evalue), /user_expressions must be an object/);
      const mixed = await kernel.traced("shell", "execute_request", { code: "const ue = 2;", user_expressions: { good: "ue * 2", bad: 7 } });
      assert.equal(mixed.reply.content.status, "ok");
      const results = mixed.reply.content.user_expressions as Record<string, { status: string; evalue?: string; data?: Record<string, string> }>;
      assert.equal(results.good.data!["text/plain"], "4");
      assert.equal(results.bad.status, "error");
      assert.match(results.bad.evalue!, /must be a string of code, got number/);
    });
  });

  describe("complete_request and inspect_request", () => {
    for (const cursor of [-5, 1000, "three", null]) {
      it(`clamps cursor_pos ${JSON.stringify(cursor)} to the cell`, async () => {
        const code = "Math.ab";
        const { reply } = await kernel.traced("shell", "complete_request", { code, cursor_pos: cursor });
        assert.equal(reply.content.status, "ok");
        const end = reply.content.cursor_end as number;
        assert.ok(end >= 0 && end <= code.length, `cursor_end ${end}`);
        assert.ok((reply.content.cursor_start as number) >= 0 && (reply.content.cursor_start as number) <= end);
        const inspected = await kernel.traced("shell", "inspect_request", { code, cursor_pos: cursor, detail_level: 0 });
        assert.equal(inspected.reply.content.status, "ok");
      });
    }
    it("completes at the end of the cell when cursor_pos is past it", async () => {
      const { reply } = await kernel.traced("shell", "complete_request", { code: "Math.ab", cursor_pos: 99 });
      assert.ok((reply.content.matches as string[]).includes("abs"));
      assert.equal(reply.content.cursor_end, 7);
    });
  });

  describe("values whose display misbehaves", () => {
    const cases: [string, string, RegExp][] = [
      ["a display method that throws", `({ [Symbol.for("Jupyter.display")]() { throw new Error("no display"); } })`, /display method failed: Error: no display/],
      ["a display method that returns a number", `({ [Symbol.for("Jupyter.display")]() { return 42; } })`, /returned no MIME bundle/],
      ["a bundle whose text is not text", `({ [Symbol.for("Jupyter.display")]() { return { "text/plain": { toString() { throw new Error("x"); } }, "text/html": "<b>hi</b>" }; } })`, /./],
      ["a Proxy that throws on every trap", `new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } })`, /./],
      ["a getter that throws", `({ get broken() { throw new Error("getter"); } })`, /broken/],
    ];
    for (const [what, code, expected] of cases) {
      it(`shows ${what} as a result`, async () => {
        const result = await kernel.run(code);
        assertOk(result);
        assert.match(resultText(result) ?? "", expected);
      });
    }

    it("answers user expressions named __proto__, and ones whose display data JSON cannot carry", async () => {
      const { reply } = await kernel.traced("shell", "execute_request", {
        code: `const wide = { [Symbol.for("Jupyter.display")]() { return { "text/plain": "wide", "application/json": { n: 1n } }; } };`,
        // Parsed, so that __proto__ is an own key, as it is in the JSON a client sends.
        user_expressions: JSON.parse(`{ "__proto__": "1 + 1", "wide": "wide" }`) as object,
      });
      assert.equal(reply.content.status, "ok");
      const results = reply.content.user_expressions as Record<string, { status: string; data: Record<string, string> }>;
      assert.ok(Object.prototype.hasOwnProperty.call(results, "__proto__"));
      assert.equal(results["__proto__"].data["text/plain"], "2");
      assert.match(results.wide.data["text/plain"], /BigInt/);
      assert.equal(await value(kernel, "3"), "3", "the execute queue still runs");
    });

    it("shows a user expression whose display throws as a normal result", async () => {
      const { reply } = await kernel.traced("shell", "execute_request", {
        code: `const odd = { [Symbol.for("Jupyter.display")]() { throw new Error("no"); } };`,
        user_expressions: { odd: "odd" },
      });
      assert.equal(reply.content.status, "ok");
      assert.equal((reply.content.user_expressions as Record<string, { status: string }>).odd.status, "ok");
    });
  });

  describe("thrown values that misbehave", () => {
    const cases: [string, string][] = [
      ["an error whose message getter throws", `const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw new Error("getter"); } }); throw e;`],
      ["an error whose stack getter throws", `const e = new Error("x"); Object.defineProperty(e, "stack", { get() { throw new Error("getter"); } }); throw e;`],
      ["null", `throw null;`],
      ["undefined", `throw undefined;`],
      ["a Proxy that throws on every trap", `throw new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } });`],
    ];
    for (const [what, code] of cases) {
      it(`reports ${what} as a cell error`, async () => {
        const result = await kernel.run(code, { stop_on_error: false });
        assert.equal(result.reply.content.status, "error");
        assert.notEqual(result.reply.content.ename, "KernelError");
        assert.ok(Number(result.reply.content.execution_count) > 0);
        assert.equal(ofType(result, "error").length, 1);
      });
    }
  });

  describe("errors outside the cell's own run", () => {
    it("shows an error thrown in a setTimeout callback like a cell error, with cell lines", async () => {
      const result = await kernel.run(`setTimeout(() => {\n  const data = [1, 2];\n  throw new RangeError("bad index " + data.length);\n}, 10);\nawait new Promise((resolve) => setTimeout(resolve, 300));`);
      assertOk(result);
      const text = stripAnsi(streamText(result, "stderr"));
      assert.match(text, /Uncaught RangeError: bad index 2/);
      assert.match(text, /^Cell In\[\d+\], line 3, column \d+/m);
      assert.match(text, /---> 3 +throw new RangeError/);
      assert.doesNotMatch(text, /tfjs-studio-cell-|node:vm|node:internal/);
    });

    it("survives `throw null` in a timer, and shows it", async () => {
      const result = await kernel.run(`setTimeout(() => { throw null; }, 10);\nawait new Promise((resolve) => setTimeout(resolve, 300));`);
      assertOk(result);
      assert.match(stripAnsi(streamText(result, "stderr")), /Uncaught null/);
    });

    it("shows an unhandled rejection like a cell error, with cell lines", async () => {
      const result = await kernel.run(`async function fails() {\n  throw new TypeError("nope");\n}\nvoid fails();\nawait new Promise((resolve) => setTimeout(resolve, 300));`);
      assertOk(result);
      const text = stripAnsi(streamText(result, "stderr"));
      assert.match(text, /Unhandled promise rejection: TypeError: nope/);
      assert.match(text, /^Cell In\[\d+\], line 2, column \d+, in fails$/m);
      assert.doesNotMatch(text, /tfjs-studio-cell-|node:vm/);
    });
  });

  describe("comm handlers", () => {
    it("shows a handler that throws null on stderr, and goes back to idle", async () => {
      assertOk(await kernel.run(`import { registerCommTarget } from "tfjs-studio";\nregisterCommTarget("hostile", () => { throw null; });`));
      const sent = await kernel.sendRaw("comm_open", { comm_id: "hostile-1", target_name: "hostile", data: {} });
      const mine = (message: { parent_header: { msg_id?: string } }) => message.parent_header.msg_id === sent.header.msg_id;
      await kernel.waitForIopub((message) => mine(message) && message.header.msg_type === "status" && message.content.execution_state === "idle");
      const stderr = kernel.iopubLog.filter((message) => mine(message) && message.header.msg_type === "stream").map((message) => String(message.content.text)).join("");
      assert.match(stripAnsi(stderr), /Error in comm_open handler: Uncaught null/);
    });
  });

  describe("display handles", () => {
    it("updates a markdown handle with markdown, and other kinds with their kind", async () => {
      const result = await kernel.run(`const status = display.markdown("**starting**");\nstatus.update("**done**");\nconst picture = display.svg("<svg/>");\npicture.update("<svg><rect/></svg>");\nstatus.update(42);`);
      assertOk(result);
      const updates = ofType(result, "update_display_data").map((message) => message.content.data as Record<string, unknown>);
      assert.equal(updates[0]["text/markdown"], "**done**");
      assert.equal(updates[1]["image/svg+xml"], "<svg><rect/></svg>");
      assert.deepEqual(Object.keys(updates[2]), ["text/plain"], "a value of another kind is shown as display() shows it");
      assert.equal(updates[2]["text/plain"], "42");
    });
  });

  describe("afterwards", () => {
    it("still runs cells", async () => {
      assert.equal(await value(kernel, "6 * 7"), "42");
    });
  });
});
