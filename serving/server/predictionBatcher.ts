// Dynamic batching: requests that arrive together go through the model as one batch, up to maxBatch instances or
// maxDelayMs after the first one waited, whichever comes first. One batch runs at a time (tfjs computes on this
// thread); while it runs the next one gathers, so under load batches fill up and throughput rises.
import type { Instance } from "./instanceDecoding";
import type { PredictionRow } from "./servedModel";

export interface BatcherOptions {
  maxBatch: number;
  maxDelayMs: number;
  predict(instances: Instance[]): PredictionRow[];
  /** Each batch's size, for the metrics. */
  onBatch?(size: number): void;
}

interface Waiting {
  instances: Instance[];
  resolve(rows: PredictionRow[]): void;
  reject(error: Error): void;
}

export class PredictionBatcher {
  private queue: Waiting[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: NodeJS.Immediate | undefined;

  constructor(private readonly options: BatcherOptions) {}

  /** Instances waiting for a batch, for the queue-depth gauge. */
  get depth(): number {
    return this.queued;
  }

  predict(instances: Instance[]): Promise<PredictionRow[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ instances, resolve, reject });
      this.queued += instances.length;
      if (this.queued >= this.options.maxBatch || this.options.maxDelayMs <= 0) this.flushSoon();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
    });
  }

  /**
   * After the requests read in this turn of the event loop are parsed, so that they join the batch. setImmediate, not
   * setTimeout(0): a timer waits at least 1 ms, which left the CPU idle between batches under load.
   */
  private flushSoon(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = undefined;
    const batch: Waiting[] = [];
    let size = 0;
    // Whole requests only; one larger than maxBatch goes alone.
    while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0].instances.length <= this.options.maxBatch)) {
      const next = this.queue.shift()!;
      batch.push(next);
      size += next.instances.length;
    }
    this.queued -= size;
    if (this.queue.length > 0) this.flushSoon();
    if (batch.length === 0) return;
    this.options.onBatch?.(size);
    try {
      const rows = this.options.predict(batch.flatMap((waiting) => waiting.instances));
      let offset = 0;
      for (const waiting of batch) {
        waiting.resolve(rows.slice(offset, offset + waiting.instances.length));
        offset += waiting.instances.length;
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error as Error);
    }
  }
}
