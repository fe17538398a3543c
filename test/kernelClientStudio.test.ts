// KernelClient against the real tfjs-studio kernel process: what the extension relies on when it runs cells
// (test/kernelClient.test.ts checks the same client against ipykernel and a scripted kernel).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ExecuteResult, InputPrompt } from "../client/kernelClient";
import type { JupyterMessage } from "../protocol/messages";
import { StudioKernel, assertOk, delay, ofType, requestId, resultText, startStudioKernel, streamText, types } from "./support/studioKernel";

function displayId(message: JupyterMessage): string | undefined {
  return (message.content.transient as { display_id?: string } | undefined)?.display_id;
}

/** Starts a cell, and resolves once the kernel has published its execute_input (the cell is running). */
function startCell(kernel: StudioKernel, code: string, options: Parameters<StudioKernel["run"]>[1] = {}) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const done = kernel.run(code, {
    stop_on_error: false,
    ...options,
    onIopub: (message) => {
      options.onIopub?.(message);
      if (message.header.msg_type === "execute_input") started();
    },
  });
  // A cell that fails before execute_input must not leave the caller waiting on `running`.
  done.then(started, started);
  return { running, done };
}

describe("KernelClient with the tfjs-studio kernel", function () {
  this.timeout(60_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel();
    assertOk(await kernel.run(`import { display } from "tfjs-studio";`));
  });
  after(async () => {
    await kernel?.stop();
  });

  describe("execute", () => {
    it("resolves with the reply and the IOPub messages in publication order, stdout and stderr interleaved", async () => {
      const live: string[] = [];
      const result = await kernel.run(`console.log("one");\nconsole.error("two");\nconsole.log("three");\n6 * 7`, {
        onIopub: (message) => live.push(message.header.msg_type),
      });
      assertOk(result);
      assert.equal(result.reply.header.msg_type, "execute_reply");
      const order = types(result.iopub);
      assert.equal(order[0], "status");
      assert.equal(order[1], "execute_input");
      assert.equal(order.at(-2), "execute_result");
      assert.equal(order.at(-1), "status");
      assert.deepEqual(live, order);
      const streams = ofType(result, "stream").map((message) => `${String(message.content.name)}:${String(message.content.text)}`).join("");
      assert.equal(streams, "stdout:one\nstderr:two\nstdout:three\n");
      const [executeResult] = ofType(result, "execute_result");
      assert.equal(executeResult.content.execution_count, result.reply.content.execution_count);
      assert.equal(resultText(result), "42");
      assert.ok(result.iopub.every((message) => message.parent_header.msg_id === requestId(result)));
    });

    it("delivers output to onIopub while the cell still runs", async () => {
      let resolvedAt = 0;
      let streamedAt = 0;
      const execution = kernel.run(`console.log("early");\nawait new Promise((resolve) => setTimeout(resolve, 1500));\n"late"`, {
        onIopub: (message) => {
          if (message.header.msg_type === "stream") streamedAt ||= Date.now();
        },
      });
      const result = await execution.finally(() => (resolvedAt = Date.now()));
      assertOk(result);
      assert.equal(streamText(result), "early\n");
      assert.ok(streamedAt > 0, "no stream message");
      assert.ok(resolvedAt - streamedAt >= 700, `the stream came only ${resolvedAt - streamedAt} ms before the end`);
    });

    it("resolves an error reply with ename, evalue and traceback, and the error on IOPub", async () => {
      const result = await kernel.run(`const before = 1;\nthrow new RangeError("too far");`, { stop_on_error: false });
      assert.equal(result.reply.content.status, "error");
      assert.equal(result.reply.content.ename, "RangeError");
      assert.equal(result.reply.content.evalue, "too far");
      assert.ok((result.reply.content.traceback as string[]).join("\n").includes("too far"));
      assert.deepEqual(ofType(result, "error").map((message) => message.content.ename), ["RangeError"]);
    });

    it("runs cells sent together one after the other, each with its own messages", async () => {
      const [first, second] = await Promise.all([
        kernel.run(`await new Promise((resolve) => setTimeout(resolve, 300));\nconsole.log("first")`),
        kernel.run(`console.log("second")`),
      ]);
      assert.equal(streamText(first), "first\n");
      assert.equal(streamText(second), "second\n");
      assert.equal(Number(second.reply.content.execution_count), Number(first.reply.content.execution_count) + 1);
      for (const result of [first, second]) {
        assert.ok(result.iopub.every((message) => message.parent_header.msg_id === requestId(result)));
      }
    });

    it("answers complete_request with variables from earlier cells", async () => {
      assertOk(await kernel.run(`const trainingPlan = { epochs: 3, learningRate: 0.01 };`));
      const code = `trainingPlan.le`;
      const reply = await kernel.client.request("shell", "complete_request", { code, cursor_pos: code.length }, { timeoutMs: 10_000 });
      assert.deepEqual(reply.content.matches, ["learningRate"]);
      assert.equal(reply.content.cursor_start, code.length - 2);
      const typesMetadata = (reply.content.metadata as Record<string, { text: string; type: string }[]>)._jupyter_types_experimental;
      assert.deepEqual(typesMetadata.map(({ text, type }) => ({ text, type })), [{ text: "learningRate", type: "property" }]);
    });
  });

  describe("update_display_data across cells", () => {
    it("hands the later cell an update_display_data with the first cell's display_id and the new data", async () => {
      const first = await kernel.run(`const statusLine = display.text("epoch 1", { displayId: "training-status" });`);
      assertOk(first);
      const [shown] = ofType(first, "display_data");
      assert.equal(displayId(shown), "training-status");
      assert.equal((shown.content.data as Record<string, string>)["text/plain"], "epoch 1");

      const updates: JupyterMessage[] = [];
      const second = await kernel.run(`statusLine.update("epoch 2");\ndisplay.text("epoch 3", { displayId: "training-status", update: true });`, {
        onIopub: (message) => {
          if (message.header.msg_type === "update_display_data") updates.push(message);
        },
      });
      assertOk(second);
      assert.deepEqual(ofType(second, "update_display_data"), updates);
      assert.deepEqual(updates.map(displayId), ["training-status", "training-status"]);
      assert.deepEqual(updates.map((message) => message.parent_header.msg_id), [requestId(second), requestId(second)]);
      assert.deepEqual(updates.map((message) => message.content.data), [{ "text/plain": "epoch 2" }, { "text/plain": "epoch 3" }]);
      assert.deepEqual(ofType(second, "display_data"), [], "an update must not add an output");
    });

    it("emits an update made after its cell finished on the client's iopub event", async () => {
      const shown = await kernel.run(`const laterLine = display.text("waiting", { displayId: "later-line" });\nsetTimeout(() => laterLine.update("done later"), 300);`);
      assertOk(shown);
      const update = await kernel.waitForIopub((message) => message.header.msg_type === "update_display_data" && displayId(message) === "later-line");
      assert.deepEqual(update.content.data, { "text/plain": "done later" });
    });
  });

  describe("interrupt", () => {
    it("ends `while (true) {}` with an Interrupted error reply after interrupt_request on control; later cells see earlier variables", async () => {
      assertOk(await kernel.run(`let beforeLoop = "kept";`));
      // The cell says when it is in the loop: on a busy machine compiling it can take longer than any fixed wait.
      const cell = startCell(kernel, `let inLoop = 5;\nrequire("node:fs").writeFileSync("in-loop", "");\nwhile (true) {}`);
      await cell.running;
      while (!fs.existsSync(path.join(kernel.cwd, "in-loop"))) await delay(20);
      const interruptReply = await kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 5000 });
      assert.equal(interruptReply.header.msg_type, "interrupt_reply");
      assert.equal(interruptReply.content.status, "ok");
      const result = await cell.done;
      assert.equal(result.reply.content.status, "error");
      assert.equal(result.reply.content.ename, "Interrupted");
      assert.equal(result.iopub.at(-1)?.content.execution_state, "idle");
      assert.equal(resultText(await kernel.run(`[beforeLoop, inLoop].join(" ")`)), "'kept 5'");
    });

    it("ends a cell waiting for input, and ignores the answer that comes too late", async () => {
      let answer!: (value: string) => void;
      const prompted = new Promise<void>((resolve) => {
        const cell = startCell(kernel, `import { input } from "tfjs-studio";\nconst lateAnswer = await input("never answered in time? ");`, {
          onInput: () => {
            resolve();
            return new Promise<string>((resolveAnswer) => (answer = resolveAnswer));
          },
        });
        void cell.done.then((result) => (interrupted = result));
      });
      let interrupted: ExecuteResult | undefined;
      await prompted;
      await kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 5000 });
      while (!interrupted) await delay(20);
      assert.equal(interrupted.reply.content.ename, "Interrupted");
      answer("too late");
      await delay(200);
      const next = await kernel.run(`"still fine"`);
      assertOk(next);
      assert.equal(resultText(next), "'still fine'");
    });
  });

  describe("connection", () => {
    // A kernel of its own: the SIGSTOP and the reconnect must not disturb the other tests' kernel.
    let kernel: StudioKernel;
    before(async () => (kernel = await startStudioKernel()));
    after(() => kernel?.stop());

    it("says disconnected when the kernel stops answering heartbeats, and connected when it answers again", async () => {
      const { client } = kernel.launched;
      const states: string[] = [];
      const stateChange = () => new Promise<string>((resolve) => client.once("connection", resolve));
      client.on("connection", (state) => states.push(state));
      const stop = client.monitorHeartbeat({ intervalMs: 200, missesAllowed: 3 });
      try {
        await delay(600);
        assert.equal(client.state, "connected");
        // A stopped process answers nothing, like a kernel behind a dropped link.
        const disconnected = stateChange();
        process.kill(kernel.launched.pid!, "SIGSTOP");
        assert.equal(await disconnected, "disconnected");
        const connected = stateChange();
        process.kill(kernel.launched.pid!, "SIGCONT");
        assert.equal(await connected, "connected");
        assert.deepEqual(states, ["disconnected", "connected"]);
        assertOk(await kernel.run("1 + 1"));
      } finally {
        stop();
        process.kill(kernel.launched.pid!, "SIGCONT");
      }
    });

    it("reconnects to the same kernel: variables are kept, and a cell sent before the reconnect still gets its reply", async () => {
      assertOk(await kernel.run("const beforeReconnect = 41;"));
      const { running, done } = startCell(kernel, `await new Promise((resolve) => setTimeout(resolve, 1500));\nbeforeReconnect + 1`);
      await running;
      kernel.launched.client.reconnect();
      const result = await done;
      assertOk(result);
      assert.equal(resultText(result), "42");
      assert.equal(resultText(await kernel.run("beforeReconnect")), "41");
    });
  });

  describe("input", () => {
    it("passes the prompt to onInput and the answer to the cell", async () => {
      const prompts: InputPrompt[] = [];
      const result = await kernel.run(`import { input } from "tfjs-studio";\nconst who = await input("Your name: ");\nconsole.log("hello " + who);`, {
        onInput: (request) => {
          prompts.push(request);
          return "Ada";
        },
      });
      assertOk(result);
      assert.deepEqual(prompts, [{ prompt: "Your name: ", password: false }]);
      assert.equal(streamText(result), "hello Ada\n");
    });

    it("marks a password prompt and answers asynchronously", async () => {
      const prompts: InputPrompt[] = [];
      const result = await kernel.run(`import { input } from "tfjs-studio";\nconst secret = await input("Token: ", { password: true });\nsecret.split("").reverse().join("")`, {
        onInput: async (request) => {
          prompts.push(request);
          await delay(100);
          return "s3cret";
        },
      });
      assertOk(result);
      assert.deepEqual(prompts, [{ prompt: "Token: ", password: true }]);
      assert.equal(resultText(result), "'terc3s'");
    });

    it("answers with an empty string and warns when onInput fails, so the cell does not hang", async () => {
      const warnings: string[] = [];
      const onWarning = (message: string): void => void warnings.push(message);
      kernel.client.on("warning", onWarning);
      try {
        const result = await kernel.run(`import { input } from "tfjs-studio";\nJSON.stringify(await input("? "))`, {
          onInput: () => {
            throw new Error("input box closed");
          },
        });
        assertOk(result);
        assert.equal(resultText(result), `'""'`);
      } finally {
        kernel.client.off("warning", onWarning);
      }
      assert.ok(warnings.some((warning) => warning.includes("input box closed")), `warnings: ${warnings}`);
    });
  });
});

describe("KernelClient when the tfjs-studio kernel dies", function () {
  this.timeout(60_000);
  let kernel: StudioKernel | undefined;

  afterEach(async () => {
    kernel?.launched.kill();
    await kernel?.launched.exited;
    await kernel?.stop();
    kernel = undefined;
  });

  /** Runs a cell that ends the kernel process, with a second cell queued behind it, and checks that every request fails with the reason. */
  async function assertDeathReported(code: string, reason: RegExp): Promise<void> {
    kernel = await startStudioKernel();
    const { client } = kernel;
    assertOk(await kernel.run(`"alive"`));
    const running = client.execute(code);
    const queued = client.execute(`"never runs"`);
    await assert.rejects(running, reason);
    await assert.rejects(queued, reason);
    const startedAt = Date.now();
    await assert.rejects(client.execute(`1`), /cannot send execute_request: kernel died/);
    await assert.rejects(client.execute(`1`), reason);
    await assert.rejects(client.request("shell", "inspect_request", { code: "Math", cursor_pos: 4 }), /cannot send inspect_request: kernel died/);
    await assert.rejects(client.request("control", "interrupt_request", {}), /kernel died/);
    assert.equal(await client.ping(), false);
    assert.ok(Date.now() - startedAt < 500, `later work must fail at once, took ${Date.now() - startedAt} ms`);
  }

  it("rejects the running and the queued cell when a cell calls process.exit; later work fails at once", async () => {
    // Not "killed by SIGABRT": the kernel closes its worker's sockets before it exits (zeromq/zeromq.js#411).
    await assertDeathReported(
      `console.log("bye");\nawait new Promise((resolve) => setTimeout(resolve, 200));\nprocess.exit(3);`,
      /kernel died: kernel process exited with code 3(\n|$)/,
    );
  });

  it("names the signal when a cell kills its own process", async () => {
    await assertDeathReported(`process.kill(process.pid, "SIGKILL")`, /kernel died: kernel process was killed by SIGKILL/);
  });

  it("rejects a cell waiting for input when the kernel is killed from outside", async () => {
    kernel = await startStudioKernel();
    const launched = kernel.launched;
    let prompted!: () => void;
    const asked = new Promise<void>((resolve) => (prompted = resolve));
    const waiting = kernel.client.execute(`import { input } from "tfjs-studio";\nawait input("? ")`, {
      onInput: () => {
        prompted();
        return new Promise<string>(() => {});
      },
    });
    await asked;
    process.kill(launched.pid!, "SIGTERM");
    await assert.rejects(waiting, /kernel died: kernel process was killed by SIGTERM/);
  });
});
