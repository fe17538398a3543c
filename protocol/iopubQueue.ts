// IOPub's outgoing messages: the kernel's, and those of the relay that republishes a remote kernel's IOPub on this
// machine (client/remote/iopubRelay.ts). ZeroMQ's publisher silently drops what a slow subscriber's high-water
// mark cannot hold, and a dropped `status: idle` leaves a frontend showing a cell that runs forever. With noDrop it refuses
// the send instead (EAGAIN, at once: a publisher always polls as writable), and this queue tries again until
// the subscriber catches up. While it waits, a display update takes the place of an older one for the same
// display that has not gone out yet: the frontend ends in the same state, and a loop of updates neither grows
// this queue nor blocks user code. Only stream output and other displays' updates may lie between the two;
// anything else (a status, a new display, clear_output) keeps its order with every update around it.
// (A kernel's stream output is bounded before it gets here: kernel/execution/outputCapture.ts.)
//
// A subscriber that takes nothing for STALLED_MS is stuck (a suspended `jupyter console`, a frozen window), and
// would hold every other frontend's output: what is queued then goes out as ZeroMQ sends by default, lost to the
// stuck one alone. The next message tries lossless again, but waits only STILL_STUCK_MS until a send goes
// through at once (the stuck subscriber read again, or left).
import type { JupyterMessage } from "./messages";

/** The first and the longest wait before sending again to a subscriber that is behind. */
const FIRST_RETRY_MS = 1;
const LONGEST_RETRY_MS = 50;
const STALLED_MS = 10_000;
const STILL_STUCK_MS = 250;

export interface IopubSender<Frames> {
  encode(message: JupyterMessage<object>): Frames;
  /** Hands frames to ZeroMQ; rejects with code EAGAIN while a subscriber's high-water mark is reached (lossless). */
  send(frames: Frames): Promise<void>;
  /** Lossy: a subscriber whose high-water mark is reached misses what is sent, and the send succeeds. */
  setLossy(lossy: boolean): void;
  /** A send that failed for another reason (the socket closed): the message is given up. */
  report(error: Error): void;
  /** Told when a subscriber is found stuck, and starts losing messages. */
  stalled(ms: number): void;
}

interface Pending {
  message: JupyterMessage<object>;
  /** Settles the caller's promise: sent, or given up. */
  settle: () => void;
}

/** Messages a display update may be moved ahead of. */
const PASSABLE = new Set(["update_display_data", "stream"]);

export class IopubQueue<Frames> {
  private readonly pending: Pending[] = [];
  /** The update of each display still waiting in `pending` that a newer one may replace. */
  private readonly waitingUpdates = new Map<string, Pending>();
  private pumping: Promise<void> | undefined;
  private lossy = false;
  /** A subscriber was stuck, and no lossless send has gone through at once since. */
  private stuck = false;

  constructor(
    private readonly sender: IopubSender<Frames>,
    private readonly stalledMs = STALLED_MS,
  ) {}

  /** Resolves when the message is handed to ZeroMQ (or given up), or when a newer update of the same display replaced it. */
  send(message: JupyterMessage<object>): Promise<void> {
    return new Promise((settle) => {
      if (!PASSABLE.has(message.header.msg_type)) this.waitingUpdates.clear();
      const displayId = updatedDisplayId(message);
      const older = displayId === undefined ? undefined : this.waitingUpdates.get(displayId);
      if (older) {
        older.settle();
        older.message = message;
        older.settle = settle;
        return;
      }
      const entry: Pending = { message, settle };
      if (displayId !== undefined) this.waitingUpdates.set(displayId, entry);
      this.pending.push(entry);
      this.pumping ??= this.pump();
    });
  }

  /** Resolves when everything queued so far has been handed over. */
  async drain(): Promise<void> {
    await this.pumping;
  }

  private async pump(): Promise<void> {
    for (let entry = this.pending.shift(); entry; entry = this.pending.shift()) {
      const displayId = updatedDisplayId(entry.message);
      if (displayId !== undefined && this.waitingUpdates.get(displayId) === entry) this.waitingUpdates.delete(displayId);
      await this.deliver(this.sender.encode(entry.message));
      entry.settle();
    }
    this.pumping = undefined;
    if (this.lossy) this.setLossy(false);
  }

  private async deliver(frames: Frames): Promise<void> {
    const since = Date.now();
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, LONGEST_RETRY_MS)) {
      try {
        await this.sender.send(frames);
        if (!this.lossy && wait === FIRST_RETRY_MS) this.stuck = false;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return this.sender.report(error as Error);
      }
      if (Date.now() - since >= (this.stuck ? STILL_STUCK_MS : this.stalledMs)) {
        if (!this.stuck) this.sender.stalled(Date.now() - since);
        this.stuck = true;
        this.setLossy(true);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private setLossy(lossy: boolean): void {
    this.lossy = lossy;
    this.sender.setLossy(lossy);
  }
}

function updatedDisplayId(message: JupyterMessage<object>): string | undefined {
  if (message.header.msg_type !== "update_display_data") return undefined;
  const transient = (message.content as { transient?: { display_id?: unknown } }).transient;
  return typeof transient?.display_id === "string" ? transient.display_id : undefined;
}
