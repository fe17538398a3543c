// Kernels run in their own process group, so they would outlive us: the live ones are killed when we exit.

const killsOnExit = new Set<() => void>();

/** Runs kill when this process exits; returns a function that forgets it (the kernel ended first). */
export function killWhenWeExit(kill: () => void): () => void {
  if (killsOnExit.size === 0) process.once("exit", killLiveKernels);
  killsOnExit.add(kill);
  return () => {
    killsOnExit.delete(kill);
    if (killsOnExit.size === 0) process.off("exit", killLiveKernels);
  };
}

function killLiveKernels(): void {
  for (const kill of killsOnExit) kill();
}
