// zeromq v6 rejects a second send with EBUSY while one is in flight, so each socket's sends wait their turn.
// A send queued behind a close is refused here, without calling into zeromq: its native error, thrown while a worker
// thread is being terminated, aborts the process.
import type { Writable } from "zeromq";

/** A ZeroMQ frame: strings are copied by zeromq, Buffers may be sent without a copy. */
export type Frame = Buffer | string;

export class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly socket: Writable & { readonly closed: boolean }) {}

  /** Resolves when ZeroMQ has taken the frames; rejects, for this caller only, when it cannot. */
  send(frames: Frame[]): Promise<void> {
    const sent = this.tail.then(() => (this.socket.closed ? Promise.reject(new Error("Socket is closed")) : this.socket.send(frames)));
    this.tail = sent.catch(() => {});
    return sent;
  }

  /** Resolves when everything queued so far has been handed over (or has failed). */
  async drain(): Promise<void> {
    await this.tail;
  }
}
