// Finished training runs written straight to disk, as the kernel writes them (runs/<id>/metrics.jsonl and
// run.json): the metrics panel's tests need runs of several projects without training any.
import * as fs from "node:fs";
import * as path from "node:path";
import { RUN_INFO_FILE, RUN_LOG_FILE, RUN_LOG_SCHEMA_VERSION, type MetricValues, type RunInfo, type RunLogRecord } from "../../../protocol/runLogSchema";

export interface FakeRun {
  /** The notebook's folder: the run goes to its runs/ folder. */
  notebookDir: string;
  notebook: string;
  name: string;
  startTime: number;
  steps: number;
  stepsPerEpoch: number;
  /** The training metrics of a batch (also the epoch's, at its last batch). */
  batchMetrics(step: number): MetricValues;
  /** The validation metrics at the end of an epoch. */
  validationMetrics(epoch: number): MetricValues;
}

/** Writes the run's log and run.json; returns the run's id (its folder's name). */
export function writeFinishedRun(run: FakeRun): string {
  const runId = `${new Date(run.startTime).toISOString().replace(/[:.]/g, "-")}-${run.name}-0001`;
  const dir = path.join(run.notebookDir, "runs", runId);
  fs.mkdirSync(dir, { recursive: true });
  const epochs = Math.ceil(run.steps / run.stepsPerEpoch);
  const at = (step: number) => ({ time: run.startTime + step * 50, elapsedMs: step * 50 });
  const records: RunLogRecord[] = [
    { type: "start", schemaVersion: RUN_LOG_SCHEMA_VERSION, runId, time: run.startTime, epochs, stepsPerEpoch: run.stepsPerEpoch, batchSize: 32, samples: run.stepsPerEpoch * 32 },
  ];
  let finalMetrics: MetricValues = {};
  for (let step = 1; step <= run.steps; step++) {
    const epoch = Math.ceil(step / run.stepsPerEpoch);
    const metrics = run.batchMetrics(step);
    records.push({ type: "batch", step, epoch, batch: step - (epoch - 1) * run.stepsPerEpoch, ...at(step), size: 32, metrics });
    if (step % run.stepsPerEpoch === 0 || step === run.steps) {
      finalMetrics = { ...metrics, ...run.validationMetrics(epoch) };
      records.push({ type: "epoch", step, epoch, ...at(step), epochMs: run.stepsPerEpoch * 50, metrics: finalMetrics });
    }
  }
  records.push({ type: "end", step: run.steps, ...at(run.steps), status: "completed", finalMetrics });
  fs.writeFileSync(path.join(dir, RUN_LOG_FILE), records.map((record) => `${JSON.stringify(record)}\n`).join(""));
  const info: RunInfo = {
    schemaVersion: RUN_LOG_SCHEMA_VERSION,
    runId,
    name: run.name,
    notebook: run.notebook,
    notebookDir: run.notebookDir,
    method: "fit",
    status: "completed",
    startTime: run.startTime,
    endTime: at(run.steps).time,
    backend: { name: "wasm", tfjsVersion: "4.22.0" },
    model: { name: run.name, layers: [], totalParams: 0, trainableParams: 0 },
    compile: null,
    fit: {},
    epochsCompleted: epochs,
    stepsCompleted: run.steps,
    finalMetrics,
  };
  fs.writeFileSync(path.join(dir, RUN_INFO_FILE), JSON.stringify(info));
  return runId;
}
