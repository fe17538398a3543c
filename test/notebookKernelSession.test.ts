// A notebook's kernel session against real tfjs-studio kernel processes: state from IOPub status, kernel_info,
// restart, shutdown and death.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type * as vscode from "vscode";
import { kernelArgv, launchKernel } from "../client/kernelLauncher";
import { KernelEnd, NotebookKernelSessionImpl } from "../extension/kernel/notebookKernelSession";
import type { KernelState } from "../extension/kernel/sessionTypes";
import { delay, tempDir } from "./support/studioKernel";

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await delay(50);
  }
}

describe("notebook kernel session", function () {
  this.timeout(120_000);
  const dir = tempDir("tfjs-session-");
  let session: NotebookKernelSessionImpl;
  let states: KernelState[];
  let ends: KernelEnd[];
  let launches: number;

  beforeEach(() => {
    states = [];
    ends = [];
    launches = 0;
    const notebook = { uri: { toString: () => "file:///session-test.ipynb" } } as unknown as vscode.NotebookDocument;
    session = new NotebookKernelSessionImpl(
      notebook,
      {
        launch: async () => {
          launches++;
          const launched = await launchKernel({ argv: kernelArgv(), cwd: dir, env: { TFJS_STUDIO_BACKEND: "cpu", TFJS_STUDIO_HISTORY: `${dir}/history.jsonl` } });
          return { launched, runtimeDescription: "test runtime" };
        },
      },
      {
        changed: (changed) => {
          if (states[states.length - 1] !== changed.state) states.push(changed.state);
        },
        ended: (end) => ends.push(end),
      },
    );
  });
  afterEach(async () => {
    await session.shutdown().catch(() => undefined);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("starts once for concurrent callers, then follows busy and idle, a completion during a run included", async () => {
    const [first, second] = await Promise.all([session.ensureStarted(), session.ensureStarted()]);
    assert.equal(first, second);
    assert.equal(launches, 1);
    assert.equal(session.state, "idle");
    assert.equal((session.kernelInfo?.language_info as { name: string }).name, "typescript");
    assert.equal(session.runtimeDescription, "test runtime");

    const run = session.client!.execute("await new Promise((r) => setTimeout(r, 3000));");
    // The kernel's main thread says busy once it takes the request (it may still be loading TensorFlow.js).
    await until(() => session.state === "busy");
    // The completion's own busy/idle must not make the still running cell look finished.
    await session.client!.request("shell", "complete_request", { code: "Math.", cursor_pos: 5 }, { timeoutMs: 20_000 });
    assert.equal(session.state, "busy");
    await run;
    await until(() => session.state === "idle");
    assert.deepEqual(states.slice(0, 2), ["starting", "idle"]);
    assert.deepEqual(states.slice(-2), ["busy", "idle"]);
  });

  it("reports a death with the exit and ends as dead; a restart brings a fresh kernel", async () => {
    await session.ensureStarted();
    const run = session.client!.execute('process.kill(process.pid, "SIGKILL");');
    await assert.rejects(run, /kernel died/);
    // The session learns of the death from the process's exit, which may come after the client's.
    await until(() => session.state === "dead");
    assert.equal(session.client, undefined);
    assert.equal(ends.length, 1);
    assert.equal(ends[0].unexpected, true);
    assert.match(ends[0].reason, /killed by SIGKILL/);

    states = [];
    await session.restart();
    assert.deepEqual(states, ["restarting", "idle"]);
    const result = await session.client!.execute("1 + 1");
    assert.equal(result.reply.content.status, "ok");
  });

  it("a restart keeps nothing and a shutdown is not a death", async () => {
    await session.ensureStarted();
    await session.client!.execute("const kept = 1;");
    states = [];
    await session.restart();
    assert.deepEqual(states, ["restarting", "idle"]);
    assert.equal(ends.length, 1);
    assert.equal(ends[0].unexpected, false);
    const result = await session.client!.execute("kept");
    assert.equal(result.reply.content.status, "error");

    await session.shutdown();
    assert.equal(session.state, "shutdown");
    assert.equal(session.client, undefined);
    assert.equal(ends.length, 2);
    assert.equal(ends[1].unexpected, false);
  });
});
