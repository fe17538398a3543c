// Names and places of run logs: a sortable, unique run id, and the runs folder next to the notebook.
import { isAbsolute, join, resolve } from "node:path";

/** Overrides where runs are written (absolute, or relative to the notebook folder). */
export const RUNS_DIR_ENV = "TFJS_STUDIO_RUNS_DIR";

/** e.g. `2026-11-25T14-50-12-345Z-mnist_mlp-3fa9`: sorts by start time, and never repeats. */
export function makeRunId(name: string, start: Date = new Date()): string {
  const time = start.toISOString().replace(/[:.]/g, "-");
  const slug = name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "model";
  // Math.random is enough to tell apart runs started in the same millisecond, and costs no crypto start-up.
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return `${time}-${slug}-${suffix}`;
}

/** The runs folder: an explicit one, else $TFJS_STUDIO_RUNS_DIR, else `runs/` in the notebook folder. */
export function runsDirectory(notebookDir: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? (env[RUNS_DIR_ENV] || undefined);
  if (!chosen) return join(notebookDir, "runs");
  return isAbsolute(chosen) ? chosen : resolve(notebookDir, chosen);
}
