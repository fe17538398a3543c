// The status line over a cell's live charts: the kernel's own progress line (epoch x/y, metrics,
// samples/s, status), plus an estimate of the time left while training runs.
import { formatDuration, progressLine } from "../../protocol/metricsFormat";
import type { MetricsDisplayData } from "../../protocol/runLogSchema";

export function statusLine(data: MetricsDisplayData): string {
  const eta = remainingMs(data);
  return eta === null ? progressLine(data) : `${progressLine(data)} · ETA ${formatDuration(eta)}`;
}

/** From the time per step so far and the steps left; null when the run's length is unknown or it has ended. */
export function remainingMs(data: MetricsDisplayData): number | null {
  if (data.status !== "running" || data.epochs === null || data.stepsPerEpoch === null || data.step === 0) return null;
  const stepsLeft = (data.epochs - data.epoch) * data.stepsPerEpoch + (data.stepsPerEpoch - data.batch);
  return Math.max(0, stepsLeft) * (data.elapsedMs / data.step);
}
