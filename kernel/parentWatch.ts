// Ends the kernel when the process that started it is gone (VS Code or Jupyter crashed or was killed), as
// ipykernel's parent poller does: otherwise an orphaned kernel keeps its memory and ports until reboot.
// The socket worker polls, so the watch goes on while a cell blocks the main thread.
import { processExists } from "../common/processExists";

/** How often the socket worker looks: an orphan exits within about this plus the exit's own grace. */
export const PARENT_POLL_MS = 1000;

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

/** Started by init directly with nothing declared: there is no parent to outlive. */
export function hasParent(parent: KernelParent): boolean {
  return parent.ppid > 1 || parent.declared !== undefined;
}

/** The pid of the parent that is gone, or undefined while it lives. */
export function goneParent(parent: KernelParent): number | undefined {
  const reparented = parent.ppid > 1 && process.ppid !== parent.ppid;
  if (!reparented && (parent.declared === undefined || processExists(parent.declared))) return undefined;
  return parent.declared ?? parent.ppid;
}
