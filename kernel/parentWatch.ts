// Ends the kernel when the process that started it is gone (VS Code or Jupyter crashed or was killed), as
// ipykernel's parent poller does: otherwise an orphaned kernel keeps its memory and ports until reboot.
import { processExists } from "./processExists";

const POLL_MS = 2000;

/** Who started this kernel. Read first thing at start: the parent may die while the kernel still loads. */
export interface KernelParent {
  /** process.ppid at start; its death reparents us (to init or a subreaper), which changes process.ppid. */
  ppid: number;
  /** JPY_PARENT_PID, which Jupyter clients and our launcher set: still right when a wrapper sits between. */
  declared?: number;
}

export function kernelParent(env: NodeJS.ProcessEnv = process.env): KernelParent {
  const declared = Number(env.JPY_PARENT_PID);
  return { ppid: process.ppid, declared: Number.isInteger(declared) && declared > 1 ? declared : undefined };
}

export function exitWhenOrphaned(parent: KernelParent, log: (text: string) => void): void {
  // Started by init directly and nothing declared: nothing to watch.
  if (parent.ppid <= 1 && parent.declared === undefined) return;
  const timer = setInterval(() => {
    const reparented = parent.ppid > 1 && process.ppid !== parent.ppid;
    if (!reparented && (parent.declared === undefined || processExists(parent.declared))) return;
    log(`the process that started this kernel (pid ${parent.declared ?? parent.ppid}) is gone; exiting`);
    process.exit(0);
  }, POLL_MS);
  timer.unref();
}
