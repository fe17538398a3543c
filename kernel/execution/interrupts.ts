// Turns interrupts (SIGINT, or the socket worker's message) into the end of the running cell. The phases an interrupt
// meets, and what it does in each: interruptStates.ts.

/** Where the cell was when it stopped: a user reads it after "the cell was interrupted". */
export const WHILE_RUNNING = "while its code ran without yielding (a loop or a long computation)";
export const WHILE_AWAITING = "while it awaited a promise";
export const BEFORE_STARTING = "before it started";

export class InterruptedError extends Error {
  override name = "Interrupted";
  constructor(where: string) {
    super(`the cell was interrupted ${where}`);
  }
}

/** What a listener stopped, said as where the cell was (e.g. "during training, after batch 3/10 of epoch 1/5"). */
type InterruptListener = (event: InterruptEvent) => void | string | Promise<void | string>;

/** How long an interrupt waits for listeners still finishing (e.g. a fit stopping at its batch end) before the cell ends anyway. */
const LISTENER_GRACE_MS = 5000;

/** What a listener learns of the interrupt. */
export interface InterruptEvent {
  /**
   * The socket worker terminated the JavaScript that user code was running (a loop that ignored the signal):
   * whatever that code was part of, such as a fit whose callback it was, will never go on.
   */
  terminated: boolean;
}

export interface InterruptSource {
  /** The socket worker flagged an interrupt that the main thread has not acted on yet. */
  isPending(): boolean;
  acknowledge(): void;
  /** Whether the worker terminated user code for this interrupt; clears the answer. */
  takeTerminated(): boolean;
}

export class InterruptController {
  private reject: ((error: Error) => void) | undefined;
  /** An execute request is being handled: compiled, or waiting to run. */
  private executing = false;
  /** An interrupt came while executing, before the cell began: the cell must not start. */
  private beforeStart = false;
  private readonly listeners = new Set<InterruptListener>();

  constructor(private readonly pending: InterruptSource) {}

  executionStarted(): void {
    this.executing = true;
  }

  executionEnded(): void {
    this.executing = false;
    this.beforeStart = false;
  }

  /** Whether an interrupt came after the execute request started and before its cell began. */
  interruptedBeforeStart(): boolean {
    return this.beforeStart;
  }

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
    const event: InterruptEvent = { terminated: this.pending.takeTerminated() };
    const reject = this.reject;
    if (!reject) {
      // Interrupting an idle kernel does nothing, as in ipykernel; one that compiles stops the cell to come.
      if (this.executing) this.beforeStart = true;
      return;
    }
    this.reject = undefined;
    const results = [...this.listeners].map((listener) => listener(event));
    // A listener that stopped something says where the cell was; else it spun after an await (its JavaScript was
    // terminated) or waited on a promise.
    const where = event.terminated ? WHILE_RUNNING : WHILE_AWAITING;
    const interrupted = (said: unknown[]) => new InterruptedError(said.find((told): told is string => typeof told === "string") ?? where);
    const pending = results.filter((result) => result instanceof Promise);
    if (pending.length === 0) return reject(interrupted(results));
    // The cell ends once the listeners' work is done, so nothing it started runs on after it.
    const timer = setTimeout(() => reject(interrupted(results)), LISTENER_GRACE_MS);
    void Promise.allSettled(pending).then((settled) => {
      clearTimeout(timer);
      reject(interrupted([...results, ...settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : undefined))]));
    });
  }

  /** Acts now on an interrupt the socket worker flagged, for code that runs long without yielding to the event loop. */
  poll(): void {
    if (this.pending.isPending()) this.interrupt("message");
  }

  /**
   * Runs `listener` on every interrupt of a running cell (e.g. to stop training at the next batch). A listener
   * may return a promise: the cell ends when it settles (at most LISTENER_GRACE_MS later).
   */
  onInterrupt(listener: InterruptListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
