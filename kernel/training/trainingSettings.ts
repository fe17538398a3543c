// The switch for automatic live metrics: on by default, off for the session with TFJS_STUDIO_METRICS=off,
// and switchable from a cell through `trainingMetrics` from "tfjs-studio".

export const METRICS_ENV = "TFJS_STUDIO_METRICS";

export function metricsEnabledByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test((env[METRICS_ENV] ?? "").trim());
}

export const trainingMetrics = {
  /** Whether fit and fitDataset show live metrics and write a run log without being asked. */
  enabled: metricsEnabledByEnv(),
  enable(): void {
    trainingMetrics.enabled = true;
  },
  disable(): void {
    trainingMetrics.enabled = false;
  },
};
