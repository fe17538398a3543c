// Comms and stdin (input()) in a real kernel, through the Jupyter protocol.
import assert from "node:assert/strict";
import { JupyterMessage } from "../protocol/messages";
import { StudioKernel, assertOk, ofType, resultText, startStudioKernel, streamText, types, runFailing } from "./support/studioKernel";

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
    assert.equal(resultText(result), `'${String(open.content.comm_id)}'`);
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
