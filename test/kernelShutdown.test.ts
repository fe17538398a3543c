// Shutting a real kernel down, and restarting it, through the Jupyter protocol.
import assert from "node:assert/strict";
import { StudioKernel, assertOk, delay, startStudioKernel } from "./support/studioKernel";

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
