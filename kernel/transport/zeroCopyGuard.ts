// Keeps the socket worker from ending while ZeroMQ may still hand a sent Buffer back to it.
//
// zeromq.js sends a Buffer longer than 128 bytes without copying it. When ZeroMQ's I/O thread is done with
// it (sent, or dropped after the linger period), it returns it to the addon instance of the thread that sent
// it. If that worker has ended by then, this writes into freed memory and glibc aborts the whole process
// ("tcache_thread_shutdown(): unaligned tcache chunk detected"). Strings are copied to UTF-8 and freed on
// any thread, so every frame that is valid UTF-8 goes as a string (the same bytes); closing waits out the
// linger period only when a binary frame went without a copy.
import type { Frame } from "../../protocol/sendQueue";
import { isUtf8 } from "node:buffer";

/** zeromq.js copies frames up to this size. */
const COPIED_UP_TO_BYTES = 128;
/** ZeroMQ's reaper thread releases dropped messages just after the linger period ends. */
const RELEASE_MARGIN_MS = 200;


export class ZeroCopyGuard {
  private sentZeroCopy = false;

  constructor(private readonly lingerMs: number) {}

  /** The frames to give zeromq: the same bytes, as strings where that avoids a zero-copy send. */
  frames(frames: Buffer[]): Frame[] {
    return frames.map((frame) => {
      if (frame.length <= COPIED_UP_TO_BYTES) return frame;
      if (isUtf8(frame)) return frame.toString("utf8");
      this.sentZeroCopy = true;
      return frame;
    });
  }

  /** Call after closing the sockets: resolves once ZeroMQ can no longer hand a Buffer back. */
  async released(): Promise<void> {
    if (this.sentZeroCopy) await new Promise((resolve) => setTimeout(resolve, this.lingerMs + RELEASE_MARGIN_MS));
  }
}
