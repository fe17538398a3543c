// What run.json says about the model, its compile and fit arguments and the backend: JSON-safe summaries
// of tfjs objects (no tensors, no functions), read without syncing any tensor.
import type { LayersModel } from "@tensorflow/tfjs";
import { jsonSafe } from "../../tfjs/modelGraph/jsonSafe";
import { modelGraph } from "../../tfjs/modelGraph/modelGraph";
import type { Tfjs } from "../../tfjs/tfjsModule";
import type { CompileSummary, FitSummary, LayerSummary, ModelSummary, RunInfo } from "../../protocol/runLogSchema";

/** The model's layers and parameter counts, read from the same graph the model display shows. */
export function summarizeModel(model: LayersModel): ModelSummary {
  const graph = modelGraph(model);
  const layers: LayerSummary[] = graph.nodes.map((node) => ({
    name: node.name,
    className: node.className,
    outputShape: node.outputShapes.length === 1 ? node.outputShapes[0] : node.outputShapes,
    params: node.params,
    trainable: node.trainable,
  }));
  return { name: graph.name, layers, totalParams: graph.params.total, trainableParams: graph.params.trainable };
}

export function summarizeCompile(model: LayersModel): CompileSummary | null {
  // Undefined until compile().
  const optimizer = model.optimizer as LayersModel["optimizer"] | undefined;
  if (!optimizer) return null;
  const losses = ([] as unknown[]).concat(typeof model.loss === "object" && !Array.isArray(model.loss) ? Object.values(model.loss) : model.loss);
  return {
    optimizer: { name: optimizer.getClassName(), config: jsonSafe(attempt(() => optimizer.getConfig(), {})) as Record<string, unknown> },
    loss: losses.map((loss) => (typeof loss === "function" ? loss.name || "custom" : String(loss))),
    metrics: model.metricsNames.filter((name) => name !== "loss"),
  };
}

/** The optimizer's learning rate when it is a plain number (every tfjs optimizer keeps one, protected). */
export function learningRateOf(model: LayersModel): number | undefined {
  const rate = (model.optimizer as { learningRate?: unknown } | undefined)?.learningRate;
  return typeof rate === "number" && Number.isFinite(rate) ? rate : undefined;
}

/** The fit arguments' plain values; data is described by its kind, callbacks are left out. */
export function summarizeFitArgs(args: object | undefined): FitSummary {
  const summary: FitSummary = {};
  for (const [key, value] of Object.entries(args ?? {}) as [string, unknown][]) {
    if (key === "callbacks" || value === undefined) continue;
    if (value === null || typeof value === "number" || typeof value === "string" || typeof value === "boolean") summary[key] = value;
    else if (key === "validationData") summary[key] = Array.isArray(value) ? "tensors" : "dataset";
    else if (key === "classWeight") summary[key] = JSON.stringify(value);
  }
  return summary;
}

export function backendOf(tf: Tfjs): RunInfo["backend"] {
  return { name: tf.getBackend() ?? "unknown", tfjsVersion: tf.version.tfjs };
}

function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
