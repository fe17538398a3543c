// Turns interrupts (SIGINT, or the socket worker's message) into the end of the running cell.

export class InterruptedError extends Error {
  override name = "Interrupted";
  constructor() {
    super("the cell was interrupted");
  }
}

export class InterruptController {
  private reject: ((error: Error) => void) | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly pending: { isPending(): boolean; acknowledge(): void }) {}

  /** A promise that rejects when the cell now starting is interrupted. */
  begin(): Promise<never> {
    const interrupted = new Promise<never>((_, reject) => (this.reject = reject));
    interrupted.catch(() => {});
    return interrupted;
  }

  end(): void {
    this.reject = undefined;
  }

  /**
   * A signal always counts. The worker's message counts only while its interrupt is still
   * pending: when vm already stopped the cell on the signal, a late message must not hit the next cell.
   */
  interrupt(source: "signal" | "message"): void {
    if (source === "message" && !this.pending.isPending()) return;
    this.pending.acknowledge();
    const reject = this.reject;
    if (!reject) return;
    this.reject = undefined;
    for (const listener of this.listeners) listener();
    reject(new InterruptedError());
  }

  /** Runs `listener` on every interrupt of a running cell (e.g. to stop training at the next batch). */
  onInterrupt(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
