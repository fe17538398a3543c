// How a child process ended, waited for and put into words.
import type { ChildProcess } from "node:child_process";

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How a kernel that is not a child process here ended (a remote one), in words. */
  description?: string;
}

/** How long to wait after the exit for the pipes to deliver the process's last output. */
const OUTPUT_FLUSH_MS = 200;

/** Resolves once with how the process ended, including when it never started. */
export function waitForExit(child: ChildProcess, onSpawnError: (message: string) => void): Promise<KernelExit> {
  return new Promise((resolve) => {
    child.on("error", (error) => {
      if (child.pid !== undefined) return; // A failed kill of a process that is exiting anyway.
      onSpawnError(`cannot start ${child.spawnfile}: ${error.message}`);
      resolve({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => {
      // 'close' follows once the pipes are drained, unless a grandchild still holds them open.
      const flushed = setTimeout(() => resolve({ code, signal }), OUTPUT_FLUSH_MS);
      child.once("close", () => {
        clearTimeout(flushed);
        resolve({ code, signal });
      });
    });
  });
}

/** "kernel process exited with code 1", "kernel process was killed by SIGKILL", … */
export function describeExit(exit: KernelExit): string {
  if (exit.description) return exit.description;
  if (exit.signal) return `kernel process was killed by ${exit.signal}`;
  if (exit.code === null) return "kernel process could not be started";
  return `kernel process exited with code ${exit.code}`;
}
