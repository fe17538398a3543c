// Sends what user code writes to process.stdout and process.stderr as Jupyter stream messages.
// Writes are batched: a flush happens when the batch is large or old, on a short timer, and
// when the kernel asks (before a reply), so a tight loop of console.log stays cheap.
// Output is bounded: while the socket worker is behind, or output comes faster than a frontend can render,
// batches wait here, and past a limit new output is dropped and counted, so a print loop can never fill the
// kernel's memory or flood the frontend.
import { OutputRateLimit } from "./outputRateLimit";

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;
/** Stream messages handed to the socket worker and not yet to ZeroMQ; past this, output waits here. */
const MAX_SENDS_IN_FLIGHT = 32;
/** Characters waiting here; past this, output is dropped until sending resumes. */
const MAX_HELD_CHARS = 4 * 1024 * 1024;
/** Sustained output rate (Jupyter servers' default is 1 MB/s), and a burst that lets a 50 MB printout through at once. */
const CHARS_PER_SECOND = 8 * 1024 * 1024;
const BURST_CHARS = 64 * 1024 * 1024;

type StreamName = "stdout" | "stderr";
type WriteCallback = (error?: Error | null) => void;

export interface OutputSink {
  send(name: StreamName, text: string): void;
  /** How many sent messages the socket worker has not yet handed to ZeroMQ. */
  sendsInFlight(): number;
}

export class OutputCapture {
  /** Runs of text per stream, in the order written. */
  private runs: { name: StreamName; text: string }[] = [];
  private size = 0;
  private lastFlush = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private dropped = { chars: 0, lines: 0 };
  private readonly rateLimit: OutputRateLimit;
  /** Write callbacks to call on the next tick, with runs of the same one counted, not repeated: console.log passes one per line. */
  private callbacks: { callback: WriteCallback; count: number }[] = [];
  /** The kernel's own stderr, for its logs. */
  readonly kernelStderr: (text: string) => void;

  constructor(
    private readonly sink: OutputSink,
    now: () => number = Date.now,
  ) {
    this.rateLimit = new OutputRateLimit(CHARS_PER_SECOND, BURST_CHARS, now);
    const original = process.stderr.write.bind(process.stderr);
    this.kernelStderr = (text) => void original(text);
  }

  install(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (done) this.callLater(done);
        return true;
      });
    }
  }

  write(name: StreamName, text: string): void {
    if (!text) return;
    if (this.size >= MAX_HELD_CHARS) this.flush({ force: false });
    if (this.size >= MAX_HELD_CHARS) {
      this.dropped.chars += text.length;
      for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) this.dropped.lines++;
      return;
    }
    const last = this.runs.at(-1);
    if (last?.name === name) last.text += text;
    else this.runs.push({ name, text });
    this.size += text.length;
    if (this.size >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) this.flush({ force: false });
    else this.scheduleFlush();
  }

  /**
   * Sends what is held. Unforced, it waits while the socket worker is behind or the rate is exceeded; the kernel
   * forces it before replies (what it sends then is bounded by MAX_HELD_CHARS).
   */
  flush({ force = true } = {}): void {
    if (this.runs.length === 0) return;
    const canSend = this.sink.sendsInFlight() <= MAX_SENDS_IN_FLIGHT && this.rateLimit.take(this.size);
    if (!force && !canSend) return this.scheduleFlush();
    clearTimeout(this.timer);
    this.timer = undefined;
    // Only real sends count: the first write after a quiet spell goes out at once,
    // even when the code that wrote it goes on to block the event loop.
    this.lastFlush = Date.now();
    const runs = this.runs;
    this.runs = [];
    this.size = 0;
    if (this.dropped.chars > 0) runs.push({ name: "stderr", text: droppedNote(this.dropped) });
    this.dropped = { chars: 0, lines: 0 };
    for (const run of runs) this.sink.send(run.name, run.text);
  }

  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush({ force: false });
    }, FLUSH_MS);
  }

  private callLater(callback: WriteCallback): void {
    const last = this.callbacks.at(-1);
    if (last?.callback === callback) return void last.count++;
    if (this.callbacks.length === 0) process.nextTick(() => this.runCallbacks());
    this.callbacks.push({ callback, count: 1 });
  }

  private runCallbacks(): void {
    for (const { callback, count } of this.callbacks.splice(0)) for (let i = 0; i < count; i++) callback();
  }
}

function droppedNote({ chars, lines }: { chars: number; lines: number }): string {
  const count = (n: number) => n.toLocaleString("en-US");
  return `\n[tfjs-studio] output came faster than the frontend can show it: ${count(chars)} characters (${count(lines)} lines) were dropped\n`;
}
