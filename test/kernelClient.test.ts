import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zmq from "zeromq";
import { ExecuteResult, KernelClient, RequestTimeoutError } from "../client/kernelClient";
import type { KernelHandle } from "../client/kernelHandle";
import { freePorts, launchKernel } from "../client/kernelLauncher";
import { ConnectionInfo, endpoint } from "../protocol/connectionFile";
import { JupyterMessage, makeMessage } from "../protocol/messages";
import { Signer, decodeMessage, encodeMessage } from "../protocol/wire";
import { until } from "./support/until";

// Debian's Jupyter lives in /usr/bin/python3; the python3 on PATH may be another Python without it.
const IPYKERNEL_ARGV = ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"];
// Keeps debugpy's frozen-module warnings out of the kernel output.
const IPYKERNEL_ENV = { PYDEVD_DISABLE_FILE_VALIDATION: "1" };

function launchIpykernel(): Promise<KernelHandle> {
  return launchKernel({ argv: IPYKERNEL_ARGV, env: IPYKERNEL_ENV });
}

function types(messages: JupyterMessage[]): string[] {
  return messages.map((message) => message.header.msg_type);
}

function streamText(result: ExecuteResult): string {
  return result.iopub
    .filter((message) => message.header.msg_type === "stream")
    .map((message) => message.content.text)
    .join("");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("KernelClient with ipykernel", function () {
  this.timeout(60_000);
  let kernel: KernelHandle;

  before(async () => {
    kernel = await launchIpykernel();
  });
  after(async () => {
    await kernel?.shutdown();
  });

  it("gets the kernel_info_reply on shell", async () => {
    assert.equal(kernel.kernelInfo.header.msg_type, "kernel_info_reply");
    const reply = await kernel.client.request("shell", "kernel_info_request", {}, { timeoutMs: 5000 });
    assert.equal(reply.header.msg_type, "kernel_info_reply");
    assert.equal((reply.content.language_info as { name: string }).name, "python");
  });

  it("collects an execution's IOPub messages in order, from busy to idle", async () => {
    const seen: string[] = [];
    const result = await kernel.client.execute("print('out')\n40 + 2", { onIopub: (message) => seen.push(message.header.msg_type) });
    assert.equal(result.reply.content.status, "ok");
    assert.deepEqual(types(result.iopub), ["status", "execute_input", "stream", "execute_result", "status"]);
    assert.deepEqual(seen, types(result.iopub));
    assert.equal(result.iopub[0].content.execution_state, "busy");
    assert.equal(result.iopub[4].content.execution_state, "idle");
    assert.equal(streamText(result), "out\n");
    const executeResult = result.iopub[3].content;
    assert.deepEqual(executeResult.data, { "text/plain": "42" });
    assert.equal(executeResult.execution_count, result.reply.content.execution_count);
  });

  it("keeps the messages of concurrent executions apart", async () => {
    const [first, second] = await Promise.all([
      kernel.client.execute("import time; time.sleep(0.3); print('first')"),
      kernel.client.execute("print('second')"),
    ]);
    assert.equal(streamText(first), "first\n");
    assert.equal(streamText(second), "second\n");
    for (const result of [first, second]) {
      assert.equal(result.iopub.at(-1)?.content.execution_state, "idle");
      assert.ok(result.iopub.every((message) => message.parent_header.msg_id === result.reply.parent_header.msg_id));
    }
  });

  it("answers input_request with onInput", async () => {
    const prompts: unknown[] = [];
    const result = await kernel.client.execute("name = input('name? ')\nprint('hi ' + name)", {
      onInput: async (request) => {
        prompts.push(request);
        return "ada";
      },
    });
    assert.deepEqual(prompts, [{ prompt: "name? ", password: false }]);
    assert.equal(streamText(result), "hi ada\n");
  });

  // Executes that fail here pass stop_on_error: false, or ipykernel would abort the next test's execute, sent right after.
  it("does not allow stdin without onInput", async () => {
    const result = await kernel.client.execute("input('name? ')", { stop_on_error: false });
    assert.equal(result.reply.content.status, "error");
    assert.equal(result.reply.content.ename, "StdinNotImplementedError");
  });

  it("interrupts a running cell with interrupt_request on control", async () => {
    const started = Date.now();
    let interrupted: Promise<void> | undefined;
    const result = await kernel.client.execute("import time; time.sleep(30)", {
      stop_on_error: false,
      onIopub: (message) => {
        if (message.header.msg_type === "execute_input") interrupted = delay(300).then(() => kernel.interrupt());
      },
    });
    await interrupted;
    assert.equal(result.reply.content.status, "error");
    assert.equal(result.reply.content.ename, "KeyboardInterrupt");
    assert.ok(Date.now() - started < 15_000, "the sleep was not interrupted");
  });

  it("rejects an execute that exceeds its timeout with RequestTimeoutError", async () => {
    await assert.rejects(kernel.client.execute("import time; time.sleep(1)", { timeoutMs: 200 }), RequestTimeoutError);
    // The kernel goes on; the next execute still gets its own messages only.
    const result = await kernel.client.execute("print('next')");
    assert.equal(streamText(result), "next\n");
  });

  it("pings the heartbeat, also after a ping went unanswered", async () => {
    assert.equal(await kernel.client.ping(), true);
    const pid = kernel.pid!;
    process.kill(pid, "SIGSTOP");
    try {
      // A signal takes effect once the process is next scheduled: on a busy machine its heartbeat could still answer.
      await until(() => /^\d+ \(.*\) T /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")), "the kernel stopped");
      assert.equal(await kernel.client.ping(300), false);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    // The stale echo of the missed ping arrives first and must not be taken for this one's, nor wedge the socket.
    assert.equal(await kernel.client.ping(2000), true);
    assert.equal(await kernel.client.ping(2000), true);
  });

  it("sees the kernel ignore a request with a bad signature", async () => {
    const raw = new zmq.Dealer({ linger: 0, receiveTimeout: 1500 });
    raw.connect(endpoint(kernel.info, kernel.info.shell_port));
    try {
      const request = (): JupyterMessage => makeMessage("kernel_info_request", {}, undefined, "raw-session");
      await raw.send(encodeMessage(request(), [], new Signer("not the key")));
      await assert.rejects(raw.receive(), (error: Error & { code?: string }) => error.code === "EAGAIN");
      // The same request, properly signed, is answered: the silence above was the signature's doing.
      await raw.send(encodeMessage(request(), [], new Signer(kernel.info.key)));
      const { message } = decodeMessage(await raw.receive(), new Signer(kernel.info.key));
      assert.equal(message.header.msg_type, "kernel_info_reply");
    } finally {
      raw.close();
    }
    const reply = await kernel.client.request("shell", "kernel_info_request", {}, { timeoutMs: 5000 });
    assert.equal(reply.header.msg_type, "kernel_info_reply");
  });
});

describe("KernelClient when the ipykernel process dies", function () {
  this.timeout(60_000);
  let kernel: KernelHandle | undefined;

  afterEach(async () => {
    kernel?.kill();
    await kernel?.exited;
  });

  it("rejects the pending execute with the exit reason, and later work at once", async () => {
    kernel = await launchIpykernel();
    const client = kernel.client;
    const running = client.execute("import time; time.sleep(30)");
    await delay(300);
    const started = Date.now();
    // Killed behind the launcher's back, as a crash would end it.
    process.kill(kernel.pid!, "SIGKILL");
    await assert.rejects(running, /kernel died: kernel process was killed by SIGKILL/);
    assert.ok(Date.now() - started < 5000);
    await assert.rejects(client.request("shell", "kernel_info_request", {}), /kernel died/);
    assert.equal(await client.ping(), false);
    assert.deepEqual(await kernel.exited, { code: null, signal: "SIGKILL" });
  });

  it("reports the exit code and output of a kernel that dies during startup", async () => {
    const failing = ["/usr/bin/python3", "-c", "import sys; print('broken kernel', file=sys.stderr); sys.exit(3)", "{connection_file}"];
    await assert.rejects(launchKernel({ argv: failing }), /exited with code 3[\s\S]*broken kernel/);
  });
});

/** A kernel played by the test, to send what a real kernel would not: bad signatures, odd orders. */
class ScriptedKernel {
  readonly shell = new zmq.Router({ linger: 0 });
  readonly iopub = new zmq.Publisher({ linger: 0 });
  private readonly others = [new zmq.Router({ linger: 0 }), new zmq.Router({ linger: 0 }), new zmq.Router({ linger: 0 })];
  readonly signer: Signer;
  /** Handles shell requests other than the kernel_info_request probes, which are answered as a real kernel would. */
  onRequest: (request: JupyterMessage, identities: Buffer[]) => Promise<void> = async () => {};
  private closed = false;

  private constructor(readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
  }

  static async start(): Promise<ScriptedKernel> {
    const [shell_port, control_port, iopub_port, stdin_port, hb_port] = await freePorts(5);
    const info: ConnectionInfo = { transport: "tcp", ip: "127.0.0.1", shell_port, control_port, iopub_port, stdin_port, hb_port, key: "secret", signature_scheme: "hmac-sha256" };
    const kernel = new ScriptedKernel(info);
    await kernel.shell.bind(endpoint(info, shell_port));
    await kernel.iopub.bind(endpoint(info, iopub_port));
    const [control, stdin, heartbeat] = kernel.others;
    await control.bind(endpoint(info, control_port));
    await stdin.bind(endpoint(info, stdin_port));
    await heartbeat.bind(endpoint(info, hb_port));
    void kernel.serve();
    return kernel;
  }

  reply(request: JupyterMessage, identities: Buffer[], msgType: string, content: object, signer = this.signer): Promise<void> {
    return this.shell.send(encodeMessage(makeMessage(msgType, content, request, "scripted"), identities, signer));
  }

  publish(parent: JupyterMessage, msgType: string, content: object): Promise<void> {
    return this.iopub.send(encodeMessage(makeMessage(msgType, content, parent, "scripted"), [], this.signer));
  }

  close(): void {
    this.closed = true;
    for (const socket of [this.shell, this.iopub, ...this.others]) socket.close();
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.shell) {
        const { identities, message } = decodeMessage(frames, this.signer);
        if (message.header.msg_type === "kernel_info_request") {
          await this.publish(message, "status", { execution_state: "busy" });
          await this.reply(message, identities, "kernel_info_reply", { status: "ok" });
          await this.publish(message, "status", { execution_state: "idle" });
        } else {
          await this.onRequest(message, identities);
        }
      }
    } catch (error) {
      // A test may close the kernel while it is still answering.
      if (!this.closed) throw error;
    }
  }
}

describe("KernelClient with a scripted kernel", () => {
  let kernel: ScriptedKernel;
  let client: KernelClient;
  let warnings: string[];

  beforeEach(async () => {
    kernel = await ScriptedKernel.start();
    client = await KernelClient.connect(kernel.info);
    warnings = [];
    client.on("warning", (warning) => warnings.push(warning));
    await client.waitForReady(10_000);
  });
  afterEach(() => {
    client.close();
    kernel.close();
  });

  it("drops a reply with a bad signature, reports it, and takes the genuine one", async () => {
    kernel.onRequest = async (request, identities) => {
      await kernel.reply(request, identities, "comm_info_reply", { status: "ok", forged: true }, new Signer("wrong key"));
      await kernel.shell.send([...identities, Buffer.from("not a jupyter message")]);
      await kernel.reply(request, identities, "comm_info_reply", { status: "ok", forged: false });
    };
    const reply = await client.request("shell", "comm_info_request", {}, { timeoutMs: 5000 });
    assert.equal(reply.content.forged, false);
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0], /dropped a message on shell: invalid HMAC signature/);
    assert.match(warnings[1], /dropped a message on shell: no <IDS\|MSG> delimiter/);
  });

  it("finishes an execute only when both the reply and status idle have come, in either order", async () => {
    let idleFirst = true;
    kernel.onRequest = async (request, identities) => {
      await kernel.publish(request, "status", { execution_state: "busy" });
      await kernel.publish(request, "stream", { name: "stdout", text: "x" });
      if (idleFirst) await kernel.publish(request, "status", { execution_state: "idle" });
      await delay(100);
      await kernel.reply(request, identities, "execute_reply", { status: "ok", execution_count: 1 });
      if (!idleFirst) {
        await delay(100);
        await kernel.publish(request, "status", { execution_state: "idle" });
      }
    };
    for (const order of [true, false]) {
      idleFirst = order;
      const result = await client.execute("x", { timeoutMs: 5000 });
      assert.equal(result.reply.header.msg_type, "execute_reply");
      assert.deepEqual(types(result.iopub), ["status", "stream", "status"], `idle first: ${order}`);
    }
  });

  it("times out an execute whose status idle never comes, naming what is missing", async () => {
    kernel.onRequest = async (request, identities) => {
      await kernel.reply(request, identities, "execute_reply", { status: "ok", execution_count: 1 });
    };
    await assert.rejects(client.execute("x", { timeoutMs: 300 }), {
      name: "RequestTimeoutError",
      message: "execute_request got no status idle within 300 ms",
    });
  });

  it("rejects pending work when closed", async () => {
    const pending = client.request("shell", "comm_info_request", {});
    client.close();
    await assert.rejects(pending, /kernel client closed/);
  });

  it("rejects pending and later work when told the kernel died", async () => {
    const pending = client.execute("x");
    client.kernelDied("exit code 9");
    await assert.rejects(pending, /kernel died: exit code 9/);
    await assert.rejects(client.execute("y"), /kernel died: exit code 9/);
  });
});
