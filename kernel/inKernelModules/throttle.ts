// Limits how often something is published: at most once per interval, with a trailing call so that
// the latest state always goes out, and a flush for the final state.

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // Unref'd: a pending display update never keeps the kernel alive.
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Throttle {
  private lastEmit = -Infinity;
  private timer: unknown;

  constructor(
    private readonly emit: () => void,
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The state changed: emit now if the interval has passed, else once it has. */
  request(): void {
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    // Emitting on the call path too, so updates flow even when training never yields to timers.
    if (wait <= 0) this.fire();
    else this.timer ??= this.clock.setTimeout(() => this.fire(), wait);
  }

  /** Emits now, whatever the interval: for the final state. */
  flush(): void {
    this.fire();
  }

  /** Drops a pending trailing emit. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.cancel();
    this.lastEmit = this.clock.now();
    this.emit();
  }
}
