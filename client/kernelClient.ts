// A Jupyter client over ZeroMQ: signs requests, matches replies and IOPub output to their request, answers stdin.
// It imports nothing from vscode: the extension, the CLI, the tests and the benchmarks all share it.
import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import * as os from "node:os";
import * as zmq from "zeromq";
import { ConnectionInfo, endpoint } from "../protocol/connectionFile";
import { Channel, JsonObject, JupyterMessage, MessageHeader, makeMessage } from "../protocol/messages";
import { Signer, decodeMessage, encodeMessage } from "../protocol/wire";
import type { ExecuteRequestContent } from "../protocol/messageContents";
import { SendQueue } from "../protocol/sendQueue";

export interface KernelClientEvents {
  /** Every IOPub message, whichever request it belongs to. */
  iopub: [message: JupyterMessage];
  /** Every input_request. Answer it with replyToInput, unless the execute call passed onInput. */
  stdin: [message: JupyterMessage];
  /** Dropped messages and failing callbacks: worth logging, never fatal. */
  warning: [message: string];
  /** The heartbeat monitor's verdict changed: "disconnected" after missed heartbeats, "connected" when they answer again. */
  connection: [state: ConnectionState];
}

export type ConnectionState = "connected" | "disconnected";

export interface HeartbeatOptions {
  /** How often to ping (default 1 s, as jupyter_client's time_to_dead). */
  intervalMs?: number;
  /** Missed pings in a row before the kernel counts as disconnected (default 3). */
  missesAllowed?: number;
}

/** A request or execute got no complete answer in time; the kernel may still be busy with it. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

export interface ConnectOptions {
  session?: string;
  username?: string;
}

export interface RequestOptions {
  metadata?: JsonObject;
  buffers?: Buffer[];
  timeoutMs?: number;
}

export interface InputPrompt {
  prompt: string;
  password: boolean;
}

export interface ExecuteOptions {
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: JsonObject;
  /** Defaults to whether onInput is given. */
  allow_stdin?: boolean;
  stop_on_error?: boolean;
  /** Called for each IOPub message of this execution, in order, as it arrives. */
  onIopub?: (message: JupyterMessage) => void;
  /** Answers the kernel's input_request messages for this execution. */
  onInput?: (request: InputPrompt) => Promise<string> | string;
  timeoutMs?: number;
}

export interface ExecuteResult {
  reply: JupyterMessage;
  /** Every IOPub message whose parent is the execute_request, from status busy to status idle. */
  iopub: JupyterMessage[];
}

type RequestChannel = "shell" | "control";

interface Execution {
  iopub: JupyterMessage[];
  idle: boolean;
  onIopub?: ExecuteOptions["onIopub"];
  onInput?: ExecuteOptions["onInput"];
}

/** A request waiting for its reply and, for executes, for the IOPub status idle too. */
interface PendingRequest {
  msgType: string;
  reply?: JupyterMessage;
  execution?: Execution;
  timeoutMs?: number;
  timer?: NodeJS.Timeout;
  resolve(result: ExecuteResult): void;
  reject(error: Error): void;
}

/** How often kernel_info_request is repeated while waiting for a starting kernel, before and after its first reply. */
const PROBE_INTERVAL_MS = 1000;
const NUDGE_INTERVAL_MS = 200;

/** One set of sockets to a kernel; a reconnect replaces it. */
class Sockets {
  readonly shell: zmq.Dealer;
  readonly control: zmq.Dealer;
  readonly stdin: zmq.Dealer;
  readonly iopub: zmq.Subscriber;
  /** A Dealer rather than a Request socket: a lost echo must not wedge the socket; stale echoes are told apart by payload. */
  readonly heartbeat: zmq.Dealer;
  readonly senders: Record<RequestChannel | "stdin" | "heartbeat", SendQueue>;
  closed = false;

  /** routingId: jupyter_client gives shell and stdin one identity, and the kernel sends input_request to the shell requester's. Kept across reconnects, so replies to requests sent before still find us. */
  constructor(info: ConnectionInfo, routingId: string) {
    this.shell = new zmq.Dealer({ linger: 0, routingId });
    this.stdin = new zmq.Dealer({ linger: 0, routingId });
    this.control = new zmq.Dealer({ linger: 0 });
    this.iopub = new zmq.Subscriber({ linger: 0 });
    // Pings are worthless once queued behind many others to a dead kernel: fail at once instead of blocking.
    this.heartbeat = new zmq.Dealer({ linger: 0, sendTimeout: 0 });
    this.iopub.subscribe();
    this.shell.connect(endpoint(info, info.shell_port));
    this.control.connect(endpoint(info, info.control_port));
    this.stdin.connect(endpoint(info, info.stdin_port));
    this.iopub.connect(endpoint(info, info.iopub_port));
    this.heartbeat.connect(endpoint(info, info.hb_port));
    this.senders = {
      shell: new SendQueue(this.shell),
      control: new SendQueue(this.control),
      stdin: new SendQueue(this.stdin),
      heartbeat: new SendQueue(this.heartbeat),
    };
  }

  close(): void {
    this.closed = true;
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) socket.close();
  }
}

export class KernelClient extends EventEmitter<KernelClientEvents> {
  private readonly signer: Signer;
  private readonly routingId = randomUUID();
  private sockets: Sockets;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly pings = new Map<string, (alive: boolean) => void>();
  private deathReason?: string;
  private closed = false;
  private connectionState: ConnectionState = "connected";
  private heartbeatTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly info: ConnectionInfo,
    readonly session: string,
    readonly username: string,
  ) {
    super();
    this.signer = new Signer(info.key, info.signature_scheme);
    this.sockets = this.openSockets();
  }

  private openSockets(): Sockets {
    const sockets = new Sockets(this.info, this.routingId);
    void this.receiveMessages(sockets, sockets.shell, "shell");
    void this.receiveMessages(sockets, sockets.control, "control");
    void this.receiveMessages(sockets, sockets.stdin, "stdin");
    void this.receiveMessages(sockets, sockets.iopub, "iopub");
    void this.receiveEchoes(sockets);
    return sockets;
  }

  /** "disconnected" once the heartbeat monitor has missed enough pings; see monitorHeartbeat. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /**
   * Pings the kernel's heartbeat socket on a timer and emits "connection" when the verdict changes: a kernel
   * that stopped answering (a lost link, a hung machine) is noticed without a process to watch. Returns a stop function.
   */
  monitorHeartbeat({ intervalMs = 1000, missesAllowed = 3 }: HeartbeatOptions = {}): () => void {
    clearInterval(this.heartbeatTimer);
    let misses = 0;
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      void this.ping(intervalMs).then((alive) => {
        inFlight = false;
        if (this.closed || this.deathReason !== undefined) return;
        misses = alive ? 0 : misses + 1;
        const state: ConnectionState = alive ? "connected" : misses >= missesAllowed ? "disconnected" : this.connectionState;
        if (state === this.connectionState) return;
        this.connectionState = state;
        this.emit("connection", state);
      });
    }, intervalMs);
    timer.unref();
    this.heartbeatTimer = timer;
    return () => clearInterval(timer);
  }

  /**
   * New sockets to the same kernel, as after a dropped link: requests still waiting keep waiting (their replies
   * come to the same identity), and a closed client stays closed.
   */
  reconnect(): void {
    if (this.closed) throw new Error("cannot reconnect: kernel client closed");
    // The old sockets go first: the kernel takes a second peer with the same identity only once the first has left.
    this.sockets.close();
    this.sockets = this.openSockets();
  }

  static async connect(info: ConnectionInfo, options: ConnectOptions = {}): Promise<KernelClient> {
    return new KernelClient(info, options.session ?? randomUUID(), options.username ?? defaultUsername());
  }

  /** Sends a request on shell or control and resolves with the message whose parent is that request. */
  async request(channel: RequestChannel, msgType: string, content: object, options: RequestOptions = {}): Promise<JupyterMessage> {
    const message = this.newMessage(msgType, content, undefined, options.metadata, options.buffers);
    return (await this.track(channel, message, undefined, options.timeoutMs)).reply;
  }

  /** Runs code; resolves once both the execute_reply and the IOPub status idle of this request have arrived. */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const silent = options.silent ?? false;
    const content: ExecuteRequestContent = {
      code,
      silent,
      store_history: options.store_history ?? !silent,
      user_expressions: options.user_expressions ?? {},
      allow_stdin: options.allow_stdin ?? options.onInput !== undefined,
      stop_on_error: options.stop_on_error ?? true,
    };
    const execution: Execution = { iopub: [], idle: false, onIopub: options.onIopub, onInput: options.onInput };
    return this.track("shell", this.newMessage("execute_request", content), execution, options.timeoutMs);
  }

  /** Answers an input_request received through the 'stdin' event. */
  async replyToInput(request: JupyterMessage, value: string): Promise<void> {
    const unavailable = this.unavailableError("input_reply");
    if (unavailable) throw unavailable;
    await this.sockets.senders.stdin.send(encodeMessage(this.newMessage("input_reply", { value }, request), [], this.signer));
  }

  /**
   * Waits until the kernel answers kernel_info_request on shell and IOPub delivers a message about one of those
   * requests: a subscriber misses whatever is published before its subscription reaches the kernel, so without
   * the second condition the first execute could lose its status idle and never finish.
   */
  async waitForReady(timeoutMs = 30_000): Promise<JupyterMessage> {
    const deadline = Date.now() + timeoutMs;
    const probes = new Set<string>();
    let reply: JupyterMessage | undefined;
    let failure: Error | undefined;
    let iopubSeen = false;
    let wake = (): void => {};
    const onIopub = (message: JupyterMessage): void => {
      if (!probes.has(parentMsgId(message))) return;
      iopubSeen = true;
      wake();
    };
    this.on("iopub", onIopub);
    try {
      while (!reply || !iopubSeen) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          const missing = reply ? "no IOPub message arrived" : "no kernel_info_reply";
          throw new RequestTimeoutError(`kernel not ready after ${timeoutMs} ms: ${missing}`);
        }
        const probe = this.newMessage("kernel_info_request", {});
        probes.add(probe.header.msg_id);
        this.track("shell", probe, undefined, undefined).then(
          (result) => {
            reply ??= result.reply;
            wake();
          },
          (error: Error) => {
            failure ??= error;
            wake();
          },
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(remaining, reply ? NUDGE_INTERVAL_MS : PROBE_INTERVAL_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (failure) throw failure;
      }
      return reply;
    } finally {
      this.off("iopub", onIopub);
      for (const id of probes) this.forget(id);
    }
  }

  /** Heartbeat round trip: true when the kernel echoes our bytes within timeoutMs. */
  ping(timeoutMs = 1000): Promise<boolean> {
    if (this.closed || this.deathReason !== undefined) return Promise.resolve(false);
    const payload = randomBytes(16);
    const key = payload.toString("hex");
    return new Promise<boolean>((resolve) => {
      const finish = (alive: boolean): void => {
        clearTimeout(timer);
        this.pings.delete(key);
        resolve(alive);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.pings.set(key, finish);
      // The empty frame is the envelope delimiter a REP socket (or ipykernel's ROUTER echo) routes by.
      this.sockets.senders.heartbeat.send([Buffer.alloc(0), payload]).catch(() => finish(false));
    });
  }

  /** Fails all pending and future work with the reason; called by whoever watches the kernel process. */
  kernelDied(reason: string): void {
    this.deathReason ??= reason;
    this.failAll(new Error(`kernel died: ${reason}`));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.failAll(new Error("kernel client closed"));
    this.sockets.close();
  }

  private newMessage(
    msgType: string,
    content: object,
    parent?: JupyterMessage,
    metadata: JsonObject = {},
    buffers: Buffer[] = [],
  ): JupyterMessage {
    const message = makeMessage(msgType, content, parent, this.session, metadata, buffers) as JupyterMessage;
    message.header.username = this.username;
    return message;
  }

  private unavailableError(msgType: string): Error | undefined {
    if (this.deathReason !== undefined) return new Error(`cannot send ${msgType}: kernel died: ${this.deathReason}`);
    if (this.closed) return new Error(`cannot send ${msgType}: kernel client closed`);
    return undefined;
  }

  private track(
    channel: RequestChannel,
    message: JupyterMessage,
    execution: Execution | undefined,
    timeoutMs: number | undefined,
  ): Promise<ExecuteResult> {
    const msgType = message.header.msg_type;
    const unavailable = this.unavailableError(msgType);
    if (unavailable) return Promise.reject(unavailable);
    const id = message.header.msg_id;
    const completion = new Promise<ExecuteResult>((resolve, reject) => {
      const pending: PendingRequest = { msgType, execution, timeoutMs, resolve, reject };
      if (timeoutMs !== undefined) pending.timer = setTimeout(() => this.fail(id, timeoutError(pending)), timeoutMs);
      this.pending.set(id, pending);
    });
    this.sockets.senders[channel]
      .send(encodeMessage(message, [], this.signer))
      .catch((error: Error) => this.fail(id, new Error(`cannot send ${msgType} on ${channel}: ${error.message}`)));
    return completion;
  }

  private settleIfComplete(id: string, pending: PendingRequest): void {
    if (!pending.reply || (pending.execution && !pending.execution.idle)) return;
    this.forget(id);
    pending.resolve({ reply: pending.reply, iopub: pending.execution?.iopub ?? [] });
  }

  private fail(id: string, error: Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.forget(id);
    pending.reject(error);
  }

  /** Stops tracking a request without settling it. */
  private forget(id: string): void {
    clearTimeout(this.pending.get(id)?.timer);
    this.pending.delete(id);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
    for (const finish of [...this.pings.values()]) finish(false);
  }

  private async receiveMessages(sockets: Sockets, socket: zmq.Readable, channel: Channel): Promise<void> {
    try {
      for await (const frames of socket) this.handleFrames(channel, frames);
    } catch (error) {
      if (!sockets.closed) this.warn(`${channel} socket stopped receiving: ${(error as Error).message}`);
    }
  }

  private handleFrames(channel: Channel, frames: Buffer[]): void {
    let message: JupyterMessage;
    try {
      message = decodeMessage(frames, this.signer).message;
    } catch (error) {
      this.warn(`dropped a message on ${channel}: ${(error as Error).message}`);
      return;
    }
    if (channel === "iopub") this.handleIopub(message);
    else if (channel === "stdin") this.handleStdin(message);
    else this.handleReply(message);
  }

  private handleReply(message: JupyterMessage): void {
    const id = parentMsgId(message);
    const pending = this.pending.get(id);
    // Late replies to requests that timed out or were forgotten have nobody waiting.
    if (!pending || pending.reply) return;
    pending.reply = message;
    this.settleIfComplete(id, pending);
  }

  private handleIopub(message: JupyterMessage): void {
    this.emitSafely("iopub", message);
    const id = parentMsgId(message);
    const pending = this.pending.get(id);
    const execution = pending?.execution;
    if (!pending || !execution || execution.idle) return;
    execution.iopub.push(message);
    if (execution.onIopub) {
      try {
        execution.onIopub(message);
      } catch (error) {
        this.warn(`onIopub callback failed: ${(error as Error).message}`);
      }
    }
    if (message.header.msg_type === "status" && message.content.execution_state === "idle") {
      execution.idle = true;
      this.settleIfComplete(id, pending);
    }
  }

  private handleStdin(message: JupyterMessage): void {
    if (message.header.msg_type !== "input_request") {
      this.warn(`ignored unexpected ${message.header.msg_type} on stdin`);
      return;
    }
    this.emitSafely("stdin", message);
    const onInput = this.pending.get(parentMsgId(message))?.execution?.onInput;
    if (onInput) void this.answerInput(message, onInput);
  }

  private async answerInput(request: JupyterMessage, onInput: NonNullable<ExecuteOptions["onInput"]>): Promise<void> {
    const prompt = { prompt: typeof request.content.prompt === "string" ? request.content.prompt : "", password: request.content.password === true };
    let value = "";
    try {
      value = await onInput(prompt);
    } catch (error) {
      // The kernel blocks until it gets a reply, so an answer must go out regardless.
      this.warn(`onInput failed, answering with an empty string: ${(error as Error).message}`);
    }
    await this.replyToInput(request, value).catch((error: Error) => this.warn(error.message));
  }

  private async receiveEchoes(sockets: Sockets): Promise<void> {
    try {
      for await (const frames of sockets.heartbeat) {
        const payload = frames[frames.length - 1];
        this.pings.get(payload.toString("hex"))?.(true);
      }
    } catch (error) {
      if (!sockets.closed) this.warn(`heartbeat socket stopped receiving: ${(error as Error).message}`);
    }
  }

  private warn(message: string): void {
    try {
      this.emit("warning", message);
    } catch {
      // A failing warning listener has nowhere left to report to.
    }
  }

  /** A throwing listener must not break the receive loop that emitted the event. */
  private emitSafely(event: "iopub" | "stdin", message: JupyterMessage): void {
    try {
      this.emit(event, message);
    } catch (error) {
      this.warn(`${event} listener failed: ${(error as Error).message}`);
    }
  }
}

function parentMsgId(message: JupyterMessage): string {
  return (message.parent_header as Partial<MessageHeader>).msg_id ?? "";
}

function timeoutError(pending: PendingRequest): RequestTimeoutError {
  const missing = [pending.reply ? undefined : "reply", pending.execution?.idle === false ? "status idle" : undefined];
  return new RequestTimeoutError(
    `${pending.msgType} got no ${missing.filter(Boolean).join(" and no ")} within ${pending.timeoutMs} ms`,
  );
}

function defaultUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry, as in some containers.
    return process.env.USER ?? "tfjs-studio";
  }
}
