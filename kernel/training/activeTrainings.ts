// The fits running now, so that an interrupt can stop them at their batch end and wait until they have.
import type { TrainingCallback } from "./trainingCallback";

export class ActiveTrainings {
  private readonly running = new Map<TrainingCallback, Promise<unknown>>();

  track(callback: TrainingCallback, training: Promise<unknown>): void {
    this.running.set(callback, training);
    const forget = () => this.running.delete(callback);
    training.then(forget, forget);
  }

  /** Stops every fit at its next batch end; resolves once they have all ended (undefined when none runs). */
  stopAll(): Promise<void> | undefined {
    if (this.running.size === 0) return undefined;
    for (const callback of this.running.keys()) callback.requestStop();
    return Promise.allSettled(this.running.values()).then(() => undefined);
  }
}
