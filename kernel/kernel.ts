// The kernel's main-thread request handling: shell and stdin messages, the execute queue
// (with stop_on_error), interrupts, input(), and shutdown.
import { join } from "node:path";
import type { CommRegistry } from "./comms/commRegistry";
import type { Executor } from "./execution/executor";
import type { InterruptController } from "./execution/interrupts";
import type { OutputCapture } from "./execution/outputCapture";
import type { HistoryStore } from "./history/historyStore";
import type { ModelGraphReplyContent } from "../protocol/modelGraphRequest";
import { isMessage, type ExecuteReplyContent, type KernelInfoReplyContent, type MessageOf, type MessageType } from "../protocol/messageContents";
import { replyType, type JupyterMessage, type RoutedMessage } from "../protocol/messages";
import { describeThrown } from "./inKernelModules/mimeBundle";
import type { KernelIO } from "./inKernelModules/kernelIO";
import type { SocketHost } from "./transport/socketHost";
import { codePointToUtf16, utf16ToCodePoint } from "../protocol/codePoints";
import { identifierBefore, type CellCompiler } from "./typescript/cellCompiler";
import { checkComplete } from "./typescript/isComplete";

export class StdinNotImplementedError extends Error {
  override name = "StdinNotImplementedError";
}

export interface KernelParts {
  sockets: SocketHost;
  executor: Executor;
  compiler: () => CellCompiler;
  history: HistoryStore;
  comms: CommRegistry;
  interrupts: InterruptController;
  output: OutputCapture;
  /** The current kernel_info_reply content: it changes once tfjs is loaded. */
  kernelInfo: () => KernelInfoReplyContent;
  /** Answers a request for a displayed model's current graph. */
  modelGraph: (content: { model_id?: unknown }) => ModelGraphReplyContent;
  /** Frees the tfjs backend's device before the process exits (see LoadedBackend.release). */
  releaseTfjs: () => Promise<void>;
}

export class Kernel implements KernelIO {
  private readonly queue: RoutedMessage[] = [];
  private draining = false;
  /** The execute request running now, or the last one: parent of what user code publishes. */
  private current: RoutedMessage | undefined;
  /** The non-execute request being answered now: what its handlers publish belongs to it. */
  private answering: RoutedMessage | undefined;
  private pendingInput: { resolve: (value: string) => void; reject: (error: Error) => void } | undefined;
  readonly comms: CommRegistry;

  constructor(private readonly parts: KernelParts) {
    this.comms = parts.comms;
    parts.interrupts.onInterrupt(() => {
      this.pendingInput?.reject(new Error("input was interrupted"));
      this.pendingInput = undefined;
    });
  }

  log(text: string): void {
    this.parts.output.kernelStderr(`[tfjs-studio] ${text}\n`);
  }

  // --- KernelIO, for display(), input() and comms in user code ---

  publish(msgType: string, content: object, buffers: Buffer[] = []): void {
    if (msgType !== "stream") this.parts.output.flush();
    this.parts.sockets.publish(msgType, content, (this.answering ?? this.current)?.message, buffers);
  }

  currentParent(): JupyterMessage | undefined {
    return (this.answering ?? this.current)?.message;
  }

  async requestInput(prompt: string, password: boolean): Promise<string> {
    const request = this.current;
    if (!request || !isMessage(request.message, "execute_request") || request.message.content.allow_stdin !== true) {
      throw new StdinNotImplementedError("input() is not available: this frontend does not accept input requests (allow_stdin is false)");
    }
    if (this.pendingInput) throw new Error("another input() is already waiting for an answer");
    this.parts.output.flush();
    const answer = new Promise<string>((resolve, reject) => (this.pendingInput = { resolve, reject }));
    this.parts.sockets.sendNew("stdin", request.identities, "input_request", { prompt, password }, request.message);
    return answer;
  }

  // --- requests ---

  handle(routed: RoutedMessage): void {
    const { channel, message } = routed;
    if (channel === "stdin") return this.handleStdin(message);
    if (message.header.msg_type === "execute_request") {
      this.queue.push(routed);
      if (!this.draining) void this.drainQueue();
      return;
    }
    this.answer(routed);
  }

  private handleStdin(message: JupyterMessage): void {
    if (message.header.msg_type !== "input_reply") return this.log(`ignored ${message.header.msg_type} on stdin`);
    if (!this.pendingInput) return this.log("input_reply with no input() waiting: dropped");
    const { resolve } = this.pendingInput;
    this.pendingInput = undefined;
    const { value } = message.content as { value?: unknown };
    resolve(typeof value === "string" ? value : "");
  }

  /** Every request but execute: answered at once, also while a cell awaits. */
  private answer(routed: RoutedMessage): void {
    const { message } = routed;
    const type = message.header.msg_type;
    // A Map, not an object: a msg_type such as "constructor" must not find Object.prototype's.
    const handler = this.handlers.get(type);
    if (!handler) return this.log(`ignored unsupported ${routed.channel} message ${type}`);
    this.parts.sockets.publish("status", { execution_state: "busy" }, message);
    let content: object | undefined;
    this.answering = routed;
    try {
      content = handler(message);
    } catch (error) {
      // Read without trusting it: comm handlers are user code, and may throw null or a hostile object.
      const problem = describeThrown(error);
      if (type.endsWith("_request")) {
        this.log(`${type} failed: ${error instanceof Error ? error.stack : problem}`);
        content = { status: "error", ename: "KernelError", evalue: problem, traceback: [] };
      } else {
        // Comm handlers are user code: their errors belong in the notebook.
        this.parts.output.write("stderr", `Error in ${type} handler: ${this.parts.executor.errorReport(error).traceback.join("\n")}\n`);
      }
    } finally {
      this.parts.output.flush();
      this.answering = undefined;
    }
    if (content) this.reply(routed, content);
    this.parts.sockets.publish("status", { execution_state: "idle" }, message);
  }

  /** Always answers: a reply whose content cannot be sent (something user code put there) becomes an error reply. */
  private reply(routed: RoutedMessage, content: object): void {
    const type = replyType(routed.message.header.msg_type);
    try {
      this.parts.sockets.sendNew(routed.channel, routed.identities, type, content, routed.message);
    } catch (error) {
      this.log(`cannot send ${type}: ${(error as Error).message}`);
      const evalue = `the kernel could not send its reply: ${(error as Error).message}`;
      this.parts.sockets.sendNew(routed.channel, routed.identities, type, { status: "error", ename: "KernelError", evalue, traceback: [evalue] }, routed.message);
    }
  }

  private readonly handlers = new Map<string, (message: JupyterMessage) => object | undefined>([
    handler("kernel_info_request", () => this.parts.kernelInfo()),
    handler("complete_request", ({ content }) => this.complete(codeOf(content), content.cursor_pos)),
    handler("inspect_request", ({ content }) => this.inspect(codeOf(content), content.cursor_pos)),
    handler("is_complete_request", ({ content }) => checkComplete(this.parts.compiler().ts, codeOf(content))),
    handler("history_request", ({ content }) => ({ status: "ok", history: this.parts.history.query(content) })),
    handler("comm_info_request", ({ content }) => ({ status: "ok", comms: this.comms.info(content.target_name) })),
    handler("comm_open", (message) => void this.comms.handleOpen(message)),
    handler("comm_msg", (message) => void this.comms.handleMessage(message)),
    handler("comm_close", (message) => void this.comms.handleClose(message)),
    handler("tfjs_studio_model_graph_request", ({ content }) => this.parts.modelGraph(content)),
  ]);

  private complete(code: string, requestedPos: unknown) {
    const cursorPos = clampCursor(code, requestedPos);
    const position = codePointToUtf16(code, cursorPos);
    const start = position - identifierBefore(code, position).length;
    const matches = this.parts.compiler().completions(code, position);
    const cursorStart = utf16ToCodePoint(code, start);
    return {
      status: "ok",
      matches: matches.map((m) => m.text),
      cursor_start: cursorStart,
      cursor_end: cursorPos,
      metadata: {
        _jupyter_types_experimental: matches.map((m) => ({ start: cursorStart, end: cursorPos, text: m.text, type: m.type })),
      },
    };
  }

  private inspect(code: string, requestedPos: unknown) {
    const found = this.parts.compiler().inspect(code, codePointToUtf16(code, clampCursor(code, requestedPos)));
    if (!found) return { status: "ok", found: false, data: {}, metadata: {} };
    const text = [found.signature, found.documentation, ...found.tags].filter(Boolean).join("\n\n");
    const markdown = ["```typescript\n" + found.signature + "\n```", found.documentation, found.tags.map((t) => `*${t}*`).join("  \n")]
      .filter(Boolean).join("\n\n");
    return { status: "ok", found: true, data: { "text/plain": text, "text/markdown": markdown }, metadata: {} };
  }

  // --- execution ---

  /** An execute request is running or queued. */
  executing(): boolean {
    return this.draining;
  }

  private async drainQueue(): Promise<void> {
    this.draining = true;
    this.parts.sockets.setMainBusy(true);
    try {
      while (this.queue.length > 0) {
        const routed = this.queue.shift()!;
        await this.execute(routed);
      }
    } finally {
      // Even after a fault, the next execute_request starts the queue again.
      this.parts.sockets.setMainBusy(false);
      this.draining = false;
    }
  }

  private async execute(routed: RoutedMessage): Promise<void> {
    const { message } = routed;
    // Queued by handle() only for this type.
    if (!isMessage(message, "execute_request")) return;
    this.current = routed;
    this.parts.sockets.publish("status", { execution_state: "busy" }, message);
    let reply: ExecuteReplyContent;
    this.parts.interrupts.executionStarted();
    try {
      reply = await this.parts.executor.execute(message);
    } catch (error) {
      // The executor reports cell errors itself; this is a kernel fault, still answered.
      this.log(`execute failed: ${(error as Error).stack}`);
      reply = { status: "error", execution_count: 0, user_expressions: {}, payload: [], ename: "KernelError", evalue: String(error), traceback: [] };
    } finally {
      this.parts.interrupts.executionEnded();
    }
    this.reply(routed, reply);
    if (reply.status === "error" && message.content.stop_on_error !== false) {
      // Requests already sent when the cell failed are not run, as in IPython; requests
      // sent after the client saw idle are, so this happens before idle.
      await this.parts.sockets.sync();
      this.abortQueued();
    }
    this.parts.sockets.publish("status", { execution_state: "idle" }, message);
  }

  private abortQueued(): void {
    for (const routed of this.queue.splice(0)) {
      const { message } = routed;
      this.parts.sockets.publish("status", { execution_state: "busy" }, message);
      this.reply(routed, {
        status: "error",
        ename: "ExecutionAborted",
        evalue: "not run because an earlier cell failed",
        traceback: [],
        execution_count: null,
        user_expressions: {},
        payload: [],
      });
      this.parts.sockets.publish("status", { execution_state: "idle" }, message);
    }
  }

  // --- lifecycle ---

  async shutdown(routed: RoutedMessage): Promise<never> {
    const restart = Boolean((routed.message.content as { restart?: boolean }).restart);
    this.parts.output.flush();
    this.reply(routed, { status: "ok", restart });
    this.parts.sockets.publish("status", { execution_state: "idle" }, routed.message);
    await this.parts.sockets.close();
    // After the sockets: a running cell that fails as its GPU goes away has nobody left to tell.
    await this.parts.releaseTfjs();
    process.exit(0);
  }

  /** Stack frames in the kernel's own bundle are noise in a user's traceback. */
  static isKernelFile(packageDir: string): (file: string) => boolean {
    const dist = join(packageDir, "dist");
    return (file) => file.startsWith(dist);
  }
}

/** A handler for one message type, in the table keyed by that type. */
function handler<T extends MessageType>(type: T, handle: (message: MessageOf<T>) => object | undefined): [T, (message: JupyterMessage) => object | undefined] {
  return [type, (message) => (isMessage(message, type) ? handle(message) : undefined)];
}

/** The code of a request, checked: its content is the client's JSON. */
function codeOf(content: { code: unknown }): string {
  return typeof content.code === "string" ? content.code : "";
}

/** cursor_pos counts code points; a missing or invalid one means the end of the code, as in ipykernel. */
function clampCursor(code: string, cursorPos: unknown): number {
  const length = utf16ToCodePoint(code, code.length);
  if (typeof cursorPos !== "number" || !Number.isFinite(cursorPos)) return length;
  return Math.min(Math.max(0, Math.floor(cursorPos)), length);
}
