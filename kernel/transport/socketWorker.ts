// Worker thread that owns the kernel's ZeroMQ sockets. It keeps heartbeat and control
// answering while user code blocks the main thread, and turns interrupts into SIGINT.
import { Session as InspectorSession } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";
import { randomUUID } from "node:crypto";
import { writeFileSync, writeSync } from "node:fs";
import * as zmq from "zeromq";
import { PARENT_POLL_MS, goneParent, hasParent } from "../parentWatch";
import { CHANNEL_PORTS, endpoint, readConnectionFile, saveConnectionFile } from "../../protocol/connectionFile";
import { makeMessage, replyType, type Channel, type JupyterMessage } from "../../protocol/messages";
import { Signer, WireError, decodeMessage, encodeMessage } from "../../protocol/wire";
import { SendQueue } from "../../protocol/sendQueue";
import { IopubQueue } from "../../protocol/iopubQueue";
import { IopubJournal } from "./iopubJournal";
import { ShellReplyJournal } from "./shellReplyJournal";
import { JOURNAL_REQUEST } from "../../protocol/iopubJournal";
import { ZeroCopyGuard } from "./zeroCopyGuard";
import { INTERRUPT_GRACE_MS, UserCodePhase, escalation } from "../execution/interruptStates";
import type { KernelInfoReplyContent } from "../../protocol/messageContents";
import { SharedSlot, reviveBuffers, toBuffer, type FromWorker, type ToWorker, type WorkerData } from "./threadMessages";

/** The longest a kernel_info reply waits for the kernel's final kernel_info (its tfjs backend loaded). */
const KERNEL_INFO_HOLD_MS = 10_000;
/** How long a shutdown may take on the main thread before the process is ended from here. */
const SHUTDOWN_GRACE_MS = 5000;
/** How long the main thread gets to exit by itself once the kernel's parent is gone, before the process is ended from here. */
const ORPHAN_EXIT_GRACE_MS = 1000;
/** How long closed sockets keep trying to deliver what is queued: the last replies of a shutdown. */
const LINGER_MS = 1000;
/** The longest a reply waits for its busy status to reach ZeroMQ (see publishStatus). */
const STATUS_WAIT_MS = 1000;

const data = workerData as WorkerData;
const port = parentPort!;
const shared = new Int32Array(data.shared);
const info = readConnectionFile(data.connectionFile);
const signer = new Signer(info.key, info.signature_scheme);
const session = randomUUID();

// handover: a client that reconnects (after a dropped link) with its old identity takes over at once, instead
// of being refused until the old connection times out, and gets the replies to what it sent before.
const shell = new zmq.Router({ handover: true });
const control = new zmq.Router({ handover: true });
const stdin = new zmq.Router({ handover: true });
// noDrop: a send that a slow subscriber cannot take is refused, not lost; iopubQueue.ts sends it again.
const iopub = new zmq.Publisher({ noDrop: true });
const heartbeat = new zmq.Reply();
const allSockets = [shell, control, stdin, iopub, heartbeat];
const routers: Record<Exclude<Channel, "iopub">, zmq.Router> = { shell, control, stdin };
const zeroCopy = new ZeroCopyGuard(LINGER_MS);
const queues = new Map<zmq.Writable, SendQueue>(
  [shell, control, stdin].map((socket) => [socket, new SendQueue(socket)]),
);
// A detached kernel's clients reach it over links that drop: what they miss meanwhile, they ask the journal for.
const journal = data.lease ? new IopubJournal(data.lease.journalLimits) : undefined;
const shellReplies = data.lease ? new ShellReplyJournal() : undefined;
const iopubQueue = new IopubQueue({
  encode: (message) => zeroCopy.frames(journal ? journaled(message) : encodeMessage(message, [], signer)),
  // One send at a time: the queue waits for each. Never into a closed socket (see protocol/sendQueue.ts).
  send: (frames) => (iopub.closed ? Promise.reject(new Error("Socket is closed")) : iopub.send(frames)),
  setLossy: (lossy) => {
    if (!iopub.closed) iopub.noDrop = !lossy;
  },
  report: (error) => log(`send on iopub failed: ${error.message}`),
  stalled: (ms) => log(`an IOPub subscriber has taken nothing for ${Math.round(ms / 1000)} s; it misses what is queued now, so that other frontends get it`),
});

let kernelInfo: KernelInfoReplyContent | undefined;
let kernelInfoFinal = false;
const kernelInfoWaiters: (() => void)[] = [];
let closing = false;

/** Stamped and kept as it goes out: numbered in the order subscribers receive the messages. */
function journaled(message: JupyterMessage<object>): Buffer[] {
  const stamped = journal!.stamp(message);
  const frames = encodeMessage(stamped, [], signer);
  journal!.keep(stamped, encodedBytes(frames));
  return frames;
}

function encodedBytes(frames: Buffer[]): number {
  return frames.reduce((total, frame) => total + frame.length, 0);
}

function post(message: FromWorker): void {
  port.postMessage(message);
}

function log(text: string): void {
  // Straight to fd 2: a worker's process.stderr is relayed through the main thread, where cell output is captured.
  writeSync(2, `[tfjs-studio] ${text}\n`);
}

function send(channel: Channel, identities: Buffer[], message: JupyterMessage<object>): Promise<void> {
  if (channel === "iopub") {
    if (message.header.msg_type === "status") recordState(message.content as { execution_state: string });
    return iopubQueue.send(message);
  }
  const frames = encodeMessage(message, identities, signer);
  if (channel === "shell") shellReplies?.keep(message, encodedBytes(frames));
  return queues.get(routers[channel])!.send(zeroCopy.frames(frames)).catch((error: Error) => log(`send on ${channel} failed: ${error.message}`));
}

/**
 * Resolves once the status is handed to ZeroMQ, so that a reply sent next follows its busy status, as clients
 * expect; or after STATUS_WAIT_MS, because IOPub waits for its slowest subscriber and a reply must not.
 */
function publishStatus(state: "busy" | "idle", parent: JupyterMessage): Promise<void> {
  const sent = send("iopub", [], makeMessage("status", { execution_state: state }, parent, session));
  return Promise.race([sent, new Promise<void>((resolve) => setTimeout(resolve, STATUS_WAIT_MS).unref())]);
}

async function reply(channel: Channel, identities: Buffer[], request: JupyterMessage, content: object): Promise<void> {
  await send(channel, identities, makeMessage(replyType(request.header.msg_type), content, request, session));
}

/**
 * Port 0 in the connection file means "any free port", as ipykernel takes it: the ports bound are written back to
 * the file, so that whoever started the kernel reads them there (a remote kernel's ports are picked on its host).
 */
async function bindAll(): Promise<void> {
  const sockets = { shell_port: shell, control_port: control, stdin_port: stdin, iopub_port: iopub, hb_port: heartbeat };
  const picked = CHANNEL_PORTS.some((name) => info[name] === 0);
  await Promise.all(CHANNEL_PORTS.map((name) => sockets[name].bind(info[name] === 0 && info.transport === "tcp" ? `tcp://${info.ip}:*` : endpoint(info, info[name]))));
  if (!picked) return;
  const bound = { ...info };
  for (const name of CHANNEL_PORTS) bound[name] = Number(/:(\d+)$/.exec(sockets[name].lastEndpoint ?? "")?.[1]);
  saveConnectionFile(data.connectionFile, bound);
}

async function serveHeartbeat(): Promise<void> {
  for await (const frames of heartbeat) {
    lastClientSeen = Date.now();
    // Closed while the ping came in: zeromq's error at this point could abort a worker being terminated.
    if (heartbeat.closed) return;
    await heartbeat.send(zeroCopy.frames(frames));
  }
}

/** Reads one router socket; bad signatures and malformed frames are logged and dropped. */
async function serveRouter(channel: Exclude<Channel, "iopub">, socket: zmq.Router): Promise<void> {
  for await (const frames of socket) {
    lastClientSeen = Date.now();
    let decoded;
    try {
      decoded = decodeMessage(frames, signer);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      log(`dropped a message on ${channel}: ${error.message}`);
      continue;
    }
    const { identities, message } = decoded;
    try {
      await route(channel, identities, message);
    } catch (error) {
      log(`error handling ${message.header.msg_type} on ${channel}: ${(error as Error).stack}`);
    }
  }
}

async function route(channel: Exclude<Channel, "iopub">, identities: Buffer[], message: JupyterMessage): Promise<void> {
  const type = message.header.msg_type;
  if (type === "interrupt_request" && (channel === "control" || channel === "shell")) {
    const busy = publishStatus("busy", message);
    // At once: the status may wait for a slow subscriber, the interrupt must not.
    interruptMain();
    await busy;
    await reply(channel, identities, message, { status: "ok" });
    void publishStatus("idle", message);
  } else if (type === "shutdown_request" && (channel === "control" || channel === "shell")) {
    await publishStatus("busy", message);
    beginShutdown(channel, identities, message);
  } else if (type === "kernel_info_request" && (channel === "control" || Atomics.load(shared, SharedSlot.MainBusy) === 0)) {
    // Answered here so a busy or still-warming main thread never delays it; not awaited, so
    // that waiting for the final content holds no other request on this socket.
    void answerKernelInfo(channel, identities, message);
  } else if (type === JOURNAL_REQUEST && channel === "control" && journal) {
    // No busy/idle around it: the relay asks for itself, and its statuses would reach every frontend.
    await reply(channel, identities, message, { ...journal.answer(message.content), replies: shellReplies!.find(message.content.replies_to) });
  } else if (channel === "control") {
    log(`ignored unsupported control message ${type}`);
  } else {
    post({ type: "message", channel, identities, message });
  }
}

async function answerKernelInfo(channel: Exclude<Channel, "iopub">, identities: Buffer[], message: JupyterMessage): Promise<void> {
  if (!kernelInfoFinal) {
    await new Promise<void>((resolve) => {
      kernelInfoWaiters.push(resolve);
      setTimeout(resolve, KERNEL_INFO_HOLD_MS).unref();
    });
  }
  // Still nothing from the main thread after the wait: it answers when it can.
  if (!kernelInfo) return post({ type: "message", channel, identities, message });
  await publishStatus("busy", message);
  await reply(channel, identities, message, kernelInfo);
  void publishStatus("idle", message);
}

let terminator: InspectorSession | undefined;

/** Starts an interrupt and escalates it while the main thread has not acted on it (see execution/interruptStates.ts). */
function interruptMain(): void {
  Atomics.store(shared, SharedSlot.InterruptPending, 1);
  // No signal outside synchronous code: one delivered late would stop the next cell before it starts. (The main
  // thread sets the phase before it checks the pending flag, so one of the two sees the other.)
  if ((Atomics.load(shared, SharedSlot.UserCodePhase) as UserCodePhase) === UserCodePhase.Synchronous) process.kill(process.pid, "SIGINT");
  post({ type: "interrupt" });
  const since = Date.now();
  setTimeout(function escalate() {
    if (Atomics.load(shared, SharedSlot.InterruptPending) !== 1) return;
    const phase = Atomics.load(shared, SharedSlot.UserCodePhase) as UserCodePhase;
    const inBatch = Atomics.load(shared, SharedSlot.TrainingBatch) === 1;
    switch (escalation(phase, inBatch, Date.now() - since)) {
      case "signal-again":
        process.kill(process.pid, "SIGINT");
        return void setTimeout(escalate, INTERRUPT_GRACE_MS).unref();
      case "wait":
        return void setTimeout(escalate, INTERRUPT_GRACE_MS).unref();
      case "terminate":
        Atomics.store(shared, SharedSlot.UserCodeTerminated, 1);
        terminator ??= connectTerminator();
        terminator.post("Runtime.terminateExecution");
        return log("user code ignored SIGINT; terminated its execution");
      case "nothing":
        return;
    }
  }, INTERRUPT_GRACE_MS).unref();
}

function connectTerminator(): InspectorSession {
  const inspector = new InspectorSession();
  inspector.connectToMainThread();
  return inspector;
}

function beginShutdown(channel: "shell" | "control", identities: Buffer[], message: JupyterMessage): void {
  // Always: a cell still compiling now would otherwise start its loop after this check.
  interruptMain();
  post({ type: "shutdown", channel, identities, message });
  setTimeout(async () => {
    log("main thread did not shut down in time; ending the process");
    await reply(channel, identities, message, { status: "ok", restart: Boolean(message.content.restart) });
    await endProcess();
  }, SHUTDOWN_GRACE_MS).unref();
}

/** For a main thread that cannot end the process itself: user code blocks it. */
async function endProcess(): Promise<void> {
  await closeSockets();
  process.kill(process.pid, "SIGKILL");
}

/** A detached kernel's busy or idle, for `tfjs-studio connect --list` and List Remote Kernels. */
function recordState(content: { execution_state: string }): void {
  const file = data.lease?.stateFile;
  if (!file) return;
  try {
    writeFileSync(file, JSON.stringify({ execution_state: content.execution_state, since: new Date().toISOString() }), { mode: 0o600 });
  } catch (error) {
    log(`cannot record the kernel's state in ${file}: ${(error as Error).message}`);
  }
}

/** When a client last sent anything, a heartbeat included: a detached kernel's lease runs from there. */
let lastClientSeen = Date.now();

/** A detached kernel (a remote one) has no parent to follow: it ends after its lease's idle time without a client. */
function watchLease(idleMs: number): void {
  const timer = setInterval(() => {
    if (Date.now() - lastClientSeen < idleMs) return;
    clearInterval(timer);
    log(`no client for ${Math.round(idleMs / 1000)} s (the idle limit); shutting down`);
    post({ type: "orphaned" });
    setTimeout(() => void endProcess(), ORPHAN_EXIT_GRACE_MS);
  }, Math.min(PARENT_POLL_MS, idleMs / 4));
}

function watchParent(): void {
  if (data.lease) return watchLease(data.lease.idleMs);
  if (!hasParent(data.parent)) return;
  const timer = setInterval(() => {
    const gone = goneParent(data.parent);
    if (gone === undefined) return;
    clearInterval(timer);
    log(`the process that started this kernel (pid ${gone}) is gone; exiting`);
    post({ type: "orphaned" });
    setTimeout(() => void endProcess(), ORPHAN_EXIT_GRACE_MS);
  }, PARENT_POLL_MS);
}

/** Flushes queued sends, then closes every socket: zeromq aborts the process if a worker ends with open sockets. */
async function closeSockets(): Promise<void> {
  if (closing) return;
  closing = true;
  // Bounded: IOPub's sends wait for a subscriber that may never read again.
  const drained = Promise.all([iopubQueue.drain(), ...[...queues.values()].map((queue) => queue.drain())]);
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, LINGER_MS))]);
  for (const socket of allSockets) {
    socket.linger = LINGER_MS;
    socket.close();
  }
  terminator?.disconnect();
  await zeroCopy.released();
  Atomics.store(shared, SharedSlot.SocketsClosed, 1);
  Atomics.notify(shared, SharedSlot.SocketsClosed);
}

port.on("message", async (message: ToWorker) => {
  switch (message.type) {
    case "send":
      await send(message.channel, message.identities.map(toBuffer), reviveBuffers(message.message));
      Atomics.sub(shared, SharedSlot.SendsInFlight, 1);
      Atomics.notify(shared, SharedSlot.SendsInFlight);
      break;
    case "kernelInfo":
      kernelInfo = message.content;
      kernelInfoFinal = message.final;
      if (message.final) {
        // Loaded: a listing of detached kernels shows it idle from now on, until a request makes it busy.
        recordState({ execution_state: "idle" });
        for (const release of kernelInfoWaiters.splice(0)) release();
      }
      break;
    case "sync":
      // Everything read before this point has been posted ahead of the answer.
      post({ type: "synced", id: message.id });
      break;
    case "close":
      await closeSockets();
      post({ type: "closed" });
      break;
  }
});

async function main(): Promise<void> {
  watchParent();
  try {
    await bindAll();
  } catch (error) {
    post({ type: "fatal", text: `cannot bind the kernel's sockets: ${(error as Error).message}` });
    await closeSockets();
    return;
  }
  post({ type: "ready", session });
  const loops = [serveHeartbeat(), serveRouter("shell", shell), serveRouter("control", control), serveRouter("stdin", stdin)];
  // A closed socket ends its loop with an error: expected during shutdown only.
  await Promise.all(loops.map((loop) => loop.catch((error: Error) => { if (!closing) log(`socket loop failed: ${error.message}`); })));
}

void main();
