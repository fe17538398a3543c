// Messages between the main thread (user code) and the socket worker thread.
import type { KernelParent } from "../parentWatch";
import type { JournalLimits } from "../../protocol/iopubJournal";
import type { KernelInfoReplyContent } from "../../protocol/messageContents";
import type { Channel, JupyterMessage } from "../../protocol/messages";

/** Slots of the Int32Array both threads share. */
export const enum SharedSlot {
  /** 1 while the main thread handles a shell request: the worker then leaves shell kernel_info to it. */
  MainBusy = 0,
  /** What user code is doing now, which decides how an interrupt stops it: execution/interruptStates.ts. */
  UserCodePhase = 1,
  /** Set by the worker on an interrupt, cleared by the main thread once it has acted on it. */
  InterruptPending = 2,
  /** 1 while a training batch computes: cutting it short would corrupt tfjs, so an interrupt waits for its end. */
  TrainingBatch = 3,
  /** Set by the worker once its sockets are closed, for a main thread that waits for it while the process exits. */
  SocketsClosed = 4,
  /** Messages the main thread has posted to the worker that ZeroMQ has not taken yet: output waits while it is high. */
  SendsInFlight = 5,
  /** Set by the worker when it terminated user code's JavaScript for an interrupt; cleared by the main thread as it acts on it. */
  UserCodeTerminated = 6,
}
export const SHARED_SLOTS = 7;

export interface WorkerData {
  connectionFile: string;
  shared: SharedArrayBuffer;
  /** Watched from the worker, which runs on while a cell blocks the main thread. */
  parent: KernelParent;
  /** A detached kernel's lease instead: it ends this long after the last message from any client. */
  lease?: KernelLease;
}

export interface KernelLease {
  idleMs: number;
  /** Where the kernel records busy or idle, for listings of detached kernels that do not connect to ask. */
  stateFile?: string;
  /** The bounds of its IOPub journal (default: DEFAULT_JOURNAL_LIMITS). */
  journalLimits?: JournalLimits;
}

export type ToWorker =
  | { type: "send"; channel: Channel; identities: Uint8Array[]; message: JupyterMessage<object> }
  /** `final` is false while the kernel is still loading what kernel_info describes (its tfjs backend). */
  | { type: "kernelInfo"; content: KernelInfoReplyContent; final: boolean }
  | { type: "sync"; id: number }
  | { type: "close" };

export type FromWorker =
  | { type: "ready"; session: string }
  | { type: "message"; channel: Channel; identities: Uint8Array[]; message: JupyterMessage }
  | { type: "interrupt" }
  | { type: "shutdown"; channel: "shell" | "control"; identities: Uint8Array[]; message: JupyterMessage }
  | { type: "fatal"; text: string }
  /** The process that started the kernel is gone: exit. */
  | { type: "orphaned" }
  | { type: "synced"; id: number }
  | { type: "closed" };

/** Buffers cross threads as plain Uint8Arrays; turn them back into Buffers without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function reviveBuffers<C>(message: JupyterMessage<C>): JupyterMessage<C> {
  return { ...message, buffers: (message.buffers ?? []).map(toBuffer) };
}
