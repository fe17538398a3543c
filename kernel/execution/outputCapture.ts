// Sends what user code writes to process.stdout and process.stderr as Jupyter stream messages.
// Writes are batched: a flush happens when the batch is large or old, on a short timer, and
// when the kernel asks (before a reply), so a tight loop of console.log stays cheap.

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;

type StreamName = "stdout" | "stderr";

export class OutputCapture {
  /** Runs of text per stream, in the order written. */
  private runs: { name: StreamName; text: string }[] = [];
  private size = 0;
  private lastFlush = Date.now();
  private timer: NodeJS.Timeout | undefined;
  /** The kernel's own stderr, for its logs. */
  readonly kernelStderr: (text: string) => void;

  constructor(private readonly send: (name: StreamName, text: string) => void) {
    const original = process.stderr.write.bind(process.stderr);
    this.kernelStderr = (text) => void original(text);
  }

  install(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (done) process.nextTick(done);
        return true;
      }) as typeof stream.write;
    }
  }

  write(name: StreamName, text: string): void {
    if (!text) return;
    const last = this.runs.at(-1);
    if (last?.name === name) last.text += text;
    else this.runs.push({ name, text });
    this.size += text.length;
    if (this.size >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.runs.length === 0) return;
    // Only real sends count: the first write after a quiet spell goes out at once,
    // even when the code that wrote it goes on to block the event loop.
    this.lastFlush = Date.now();
    const runs = this.runs;
    this.runs = [];
    this.size = 0;
    for (const run of runs) this.send(run.name, run.text);
  }
}
