// Test fixture: a tfjs-studio kernel process in a temporary notebook folder, with its own history file,
// and a log of every IOPub message it publishes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zmq from "zeromq";
import { ExecuteOptions, ExecuteResult, KernelClient } from "../../client/kernelClient";
import type { KernelHandle } from "../../client/kernelHandle";
import { kernelArgv, launchKernel } from "../../client/kernelLauncher";
import { endpoint } from "../../protocol/connectionFile";
import { JsonObject, JupyterMessage, makeMessage } from "../../protocol/messages";
import { Signer, encodeMessage } from "../../protocol/wire";

export interface StudioKernel {
  launched: KernelHandle;
  client: KernelClient;
  /** The notebook folder: the kernel's cwd. */
  cwd: string;
  historyFile: string;
  /** Every IOPub message received since the start, in order. */
  iopubLog: JupyterMessage[];
  /** Runs code and fails the test with the kernel's output tail when no answer comes in time. */
  run(code: string, options?: ExecuteOptions): Promise<ExecuteResult>;
  /** Sends a shell or control request and collects its reply and its IOPub messages, status idle included. */
  traced(channel: "shell" | "control", msgType: string, content?: object): Promise<{ reply: JupyterMessage; iopub: JupyterMessage[] }>;
  /** Resolves with the first IOPub message (already received or still to come) that matches. */
  waitForIopub(match: (message: JupyterMessage) => boolean, timeoutMs?: number): Promise<JupyterMessage>;
  /** Sends a message on shell without waiting for any reply (comm_open, comm_msg, comm_close have none). */
  sendRaw(msgType: string, content: object): Promise<JupyterMessage>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The notebook folder; a fresh temporary one (removed on stop) when not given. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with the fresh folder before the kernel starts, to put files there. */
  prepare?: (dir: string) => void;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));
}

export async function startStudioKernel(options: StartOptions = {}): Promise<StudioKernel> {
  const ownDir = options.cwd === undefined;
  const cwd = options.cwd ?? tempDir("tfjs-nb-");
  const historyDir = tempDir("tfjs-hist-");
  const historyFile = path.join(historyDir, "history.jsonl");
  options.prepare?.(cwd);
  let launched: KernelHandle;
  try {
    launched = await launchKernel({ argv: kernelArgv(), cwd, env: { TFJS_STUDIO_HISTORY: historyFile, ...options.env } });
  } catch (error) {
    fs.rmSync(historyDir, { recursive: true, force: true });
    if (ownDir) fs.rmSync(cwd, { recursive: true, force: true });
    throw error;
  }
  const client = launched.client;
  const iopubLog: JupyterMessage[] = [];
  const waiters = new Set<(message: JupyterMessage) => void>();
  client.on("iopub", (message) => {
    iopubLog.push(message);
    for (const waiter of [...waiters]) waiter(message);
  });
  let raw: zmq.Dealer | undefined;
  const signer = new Signer(launched.info.key, launched.info.signature_scheme);

  const waitForIopub = (match: (message: JupyterMessage) => boolean, timeoutMs = 10_000): Promise<JupyterMessage> => {
    const seen = iopubLog.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (message: JupyterMessage): void => {
        if (!match(message)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(message);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching IOPub message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    launched,
    client,
    cwd,
    historyFile,
    iopubLog,
    waitForIopub,
    async run(code, executeOptions = {}) {
      try {
        return await client.execute(code, { timeoutMs: 20_000, ...executeOptions });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- kernel output ---\n${launched.outputTail()}`, { cause: error });
      }
    },
    async traced(channel, msgType, content = {}) {
      const start = iopubLog.length;
      const reply = await client.request(channel, msgType, content, { timeoutMs: 10_000 });
      const id = reply.parent_header.msg_id;
      await waitForIopub((message) => message.parent_header.msg_id === id && message.header.msg_type === "status" && message.content.execution_state === "idle");
      return { reply, iopub: iopubLog.slice(start).filter((message) => message.parent_header.msg_id === id) };
    },
    async sendRaw(msgType, content) {
      if (!raw) {
        raw = new zmq.Dealer({ linger: 0 });
        raw.connect(endpoint(launched.info, launched.info.shell_port));
      }
      const message: JupyterMessage = makeMessage(msgType, content as JsonObject, undefined, client.session);
      await raw.send(encodeMessage(message, [], signer));
      return message;
    },
    async stop() {
      raw?.close();
      try {
        await launched.shutdown();
      } finally {
        fs.rmSync(historyDir, { recursive: true, force: true });
        if (ownDir) fs.rmSync(cwd, { recursive: true, force: true });
      }
    },
  };
}

export function types(messages: JupyterMessage[]): string[] {
  return messages.map((message) => message.header.msg_type);
}

export function ofType(result: { iopub: JupyterMessage[] }, msgType: string): JupyterMessage[] {
  return result.iopub.filter((message) => message.header.msg_type === msgType);
}

export function streamText(result: { iopub: JupyterMessage[] }, name = "stdout"): string {
  return ofType(result, "stream")
    .filter((message) => message.content.name === name)
    .map((message) => message.content.text)
    .join("");
}

/** Fails the test with the cell's error and traceback unless the cell succeeded. */
export function assertOk(result: ExecuteResult): void {
  if (result.reply.content.status !== "ok") {
    const { ename, evalue, traceback } = result.reply.content as { ename: string; evalue: string; traceback: string[] };
    assert.fail(`cell failed: ${ename}: ${evalue}\n${stripAnsi((traceback ?? []).join("\n"))}`);
  }
}

/** Runs a cell that must succeed and returns the text/plain of its result. */
export async function value(kernel: StudioKernel, code: string): Promise<string | undefined> {
  const result = await kernel.run(code);
  assertOk(result);
  return resultText(result);
}

/** The text/plain of the execute_result, or undefined when there is none. */
export function resultText(result: { iopub: JupyterMessage[] }): string | undefined {
  const results = ofType(result, "execute_result");
  if (results.length > 1) throw new Error(`${results.length} execute_result messages`);
  return (results[0]?.content.data as Record<string, string> | undefined)?.["text/plain"];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function requestId(result: ExecuteResult): string {
  return result.reply.parent_header.msg_id;
}

/**
 * Runs a cell that is expected to fail. stop_on_error is off so that the failure cannot abort the next test's cell
 * (the kernel has a race there, tested on its own in "stop_on_error").
 */
export function runFailing(kernel: StudioKernel, code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  return kernel.run(code, { stop_on_error: false, ...options });
}

export function tracebackText(content: Record<string, unknown>): string {
  return stripAnsi((content.traceback as string[]).join("\n"));
}
