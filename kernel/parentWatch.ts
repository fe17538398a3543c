// Ends the kernel when the process that started it is gone (VS Code or Jupyter crashed or was killed), as
// ipykernel's parent poller does: otherwise an orphaned kernel keeps its memory and ports until reboot.
const POLL_MS = 2000;

export function exitWhenOrphaned(log: (text: string) => void): void {
  const parent = process.ppid;
  // Already orphaned at start (started by a daemon, or by init directly): nothing to watch.
  if (parent <= 1) return;
  const timer = setInterval(() => {
    // The parent's death reparents us, to init or to a subreaper, so process.ppid changes.
    if (process.ppid === parent) return;
    log(`the process that started this kernel (pid ${parent}) is gone; exiting`);
    process.exit(0);
  }, POLL_MS);
  timer.unref();
}
