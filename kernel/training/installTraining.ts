// Installs training support in the kernel: the fit instrumentation once tfjs is loaded, interrupts that
// stop training at a batch end, and metricsCallback() for cells.
import type { InterruptController } from "../execution/interrupts";
import { display } from "../inKernelModules/display";
import { onTfjsReady } from "../tfjs/sharedTfjs";
import { ActiveTrainings } from "./activeTrainings";
import { instrumentTraining } from "./fitInstrumentation";
import type { MetricsCallbackOptions, TrainingCallback, TrainingEnvironment } from "./trainingCallback";

export interface TrainingKernel {
  interrupts: InterruptController;
  /** The socket worker's view of "a batch is computing". */
  setTrainingBatch(inBatch: boolean): void;
  notebookDir: string;
}

let makeCallback: ((options: MetricsCallbackOptions) => TrainingCallback) | undefined;

export function installTraining(kernel: TrainingKernel): void {
  const active = new ActiveTrainings();
  kernel.interrupts.onInterrupt((event) => active.stopAll(event));
  const environment: TrainingEnvironment = {
    notebookDir: kernel.notebookDir,
    // Set by Jupyter servers for their kernels; VS Code may not say.
    notebook: process.env.JPY_SESSION_NAME || null,
    output: {
      publish: (bundle, displayId, first) => void display.bundle(bundle, { displayId, update: !first }),
      // Through stderr, which the kernel shows in the cell that trains.
      warn: (message) => void process.stderr.write(`[tfjs-studio] ${message}\n`),
    },
    pollInterrupt: () => kernel.interrupts.poll(),
    setInBatch: (inBatch) => kernel.setTrainingBatch(inBatch),
  };
  onTfjsReady((tf) => {
    const TrainingCallback = instrumentTraining(tf, environment, active);
    makeCallback = (options) => new TrainingCallback(options);
  });
}

/** `metricsCallback()` from "tfjs-studio": live metrics and a run log for one fit, with these options. */
export function metricsCallback(options: MetricsCallbackOptions = {}): TrainingCallback {
  const problem = optionsProblem(options);
  if (problem) throw new TypeError(`metricsCallback: ${problem}`);
  if (!makeCallback) throw new Error("metricsCallback: tfjs is still loading; run the cell again in a moment (or see the kernel log if tfjs failed to load)");
  return makeCallback(options);
}

function optionsProblem(options: unknown): string | undefined {
  if (typeof options !== "object" || options === null) return "options must be an object";
  const { name, throttleMs, runsDir, enabled } = options as Record<string, unknown>;
  if (name !== undefined && (typeof name !== "string" || name === "")) return "name must be a non-empty string";
  if (throttleMs !== undefined && (typeof throttleMs !== "number" || !(throttleMs >= 0))) return "throttleMs must be a number of milliseconds (at least 100 are used)";
  if (runsDir !== undefined && (typeof runsDir !== "string" || runsDir === "")) return "runsDir must be a folder path";
  if (enabled !== undefined && typeof enabled !== "boolean") return "enabled must be true or false";
  return undefined;
}
