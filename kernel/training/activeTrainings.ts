// The fits running now, so that an interrupt can stop them at their batch end and wait until they have. A fit
// that does not stop, because a callback of the user's spins or awaits forever, is abandoned: its run ends as
// interrupted, its model can train again, and the cell ends as promptly as any interrupted cell.
import type { History } from "@tensorflow/tfjs";
import { InterruptedError, type InterruptEvent } from "../execution/interrupts";
import type { TrainingCallback } from "./trainingCallback";

/** How long a fit told to stop gets to reach its batch end (between batches that takes milliseconds) before it counts as stuck. */
const STOP_WAIT_MS = 250;

interface TrackedFit {
  /** What the fit call returned to user code: settles when the fit does, or when it is abandoned. */
  result: Promise<History>;
  abandon(): void;
}

export class ActiveTrainings {
  private readonly running = new Map<TrainingCallback, TrackedFit>();

  /** Tracks a fit; returns the promise to give user code, which rejects with InterruptedError if the fit is abandoned. */
  track(callback: TrainingCallback, training: Promise<History>): Promise<History> {
    let rejectAbandoned!: (error: Error) => void;
    const abandoned = new Promise<never>((_, reject) => (rejectAbandoned = reject));
    // An abandoned fit that later goes on fails at its next batch: nobody waits for it then.
    training.catch(() => {});
    const result = Promise.race([training, abandoned]);
    const forget = () => this.running.delete(callback);
    result.then(forget, forget);
    this.running.set(callback, {
      result,
      abandon: () => {
        callback.abandon();
        rejectAbandoned(new InterruptedError(callback.stoppedAt()));
      },
    });
    return result;
  }

  /**
   * Stops every fit at its next batch end; resolves once they have all ended (undefined when none runs), with where
   * the first one stopped, for the interrupted cell's message.
   */
  stopAll(event: InterruptEvent): Promise<string> | undefined {
    if (this.running.size === 0) return undefined;
    return this.stop([...this.running], event);
  }

  private async stop(fits: [TrainingCallback, TrackedFit][], event: InterruptEvent): Promise<string> {
    for (const [callback] of fits) callback.requestStop();
    const ended = Promise.allSettled(fits.map(([, fit]) => fit.result));
    // Terminated JavaScript never resumes, so a fit that has not ended now never will.
    if (!event.terminated) await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]);
    for (const [callback, fit] of fits) if (this.running.has(callback)) fit.abandon();
    await ended;
    return fits[0][0].stoppedAt();
  }
}
