// A deploy's steps, each reported as it begins and timed: what every provider's deploy is made of. A cancel is
// noticed between steps, and the provider says what the steps done so far left behind.
import { performance } from "node:perf_hooks";
import type { DeployCancelled, DeployProgress } from "./deployProvider";

export interface DeploySteps {
  /** Reports `name`, runs `work`, records its seconds; throws the provider's DeployCancelled when cancelled before. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Seconds each step took, in the order they ran. */
  stepSeconds: Record<string, number>;
}

export function deploySteps(progress: DeployProgress, signal: AbortSignal | undefined, cancelled: (step: string, done: string[]) => DeployCancelled): DeploySteps {
  const stepSeconds: Record<string, number> = {};
  return {
    stepSeconds,
    async step(name, work) {
      if (signal?.aborted) throw cancelled(name, Object.keys(stepSeconds));
      progress.report(name);
      const started = performance.now();
      try {
        return await work();
      } finally {
        stepSeconds[name] = (performance.now() - started) / 1000;
      }
    },
  };
}
