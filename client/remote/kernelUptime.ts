// Durations of remote kernels in words, for listings (the CLI's table, VS Code's pick list) and messages.
import type { RemoteKernel } from "./remoteHost";

export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(seconds < 36_000 ? 1 : 0)} h`;
}

/** How long the kernel has run. */
export function kernelUptime(kernel: RemoteKernel, now = Date.now()): string {
  return formatSeconds((now - Date.parse(kernel.started)) / 1000);
}
