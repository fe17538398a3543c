// zeromq v6 allows one send in flight per socket; this serialises sends from several callers.
import type { Writable } from "zeromq";

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Writable, private readonly onError: (error: Error) => void) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(
      () => this.socket.send(frames),
    ).catch((error: Error) => this.onError(error));
    return this.tail;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  drain(): Promise<void> {
    return this.tail;
  }
}
