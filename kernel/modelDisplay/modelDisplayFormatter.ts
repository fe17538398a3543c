// Shows a tf.LayersModel, as a cell's last expression or through display(), as its layer graph
// (for the VS Code renderer), an HTML summary table and a text summary like model.summary().
import type { LayersModel } from "@tensorflow/tfjs";
import type { MimeBundle } from "../../protocol/messages";
import { registerDisplayFormatter } from "../inKernelModules/mimeBundle";
import type { DisplayedModels } from "./displayedModels";
import { htmlSummary } from "./htmlSummary";
import { isLayersModel } from "../../tfjs/modelGraph/isLayersModel";
import { modelGraph } from "../../tfjs/modelGraph/modelGraph";
import { MODEL_GRAPH_MIME, type ModelGraph } from "../../protocol/modelGraphSchema";
import { modelSummary } from "./modelSummary";
import { textSummary } from "./textSummary";

/**
 * Weight statistics cost a read of every weight (a GPU download on GPU backends) on each display, so
 * models above this many parameters show without them.
 */
const DISPLAY_STATS_MAX_PARAMS = 5_000_000;

/** The graph the kernel hands out: with the model's id, to ask for it again later, and when it was read. */
export function displayedGraph(model: LayersModel, models: DisplayedModels, statsMaxParams = DISPLAY_STATS_MAX_PARAMS): ModelGraph {
  return { ...modelGraph(model, { statsMaxParams }), modelId: models.idOf(model), readAt: new Date().toISOString() };
}

export function formatModel(value: unknown, models: DisplayedModels): MimeBundle | undefined {
  if (!isLayersModel(value)) return undefined;
  try {
    const graph = displayedGraph(value, models);
    const summary = modelSummary(graph);
    return { [MODEL_GRAPH_MIME]: graph, "text/html": htmlSummary(summary), "text/plain": textSummary(summary) };
  } catch (error) {
    // A model tfjs itself cannot walk (e.g. a half-built custom subclass) still shows what it is.
    return { "text/plain": `Model "${value.name}": its layer graph cannot be read: ${(error as Error)?.message ?? error}` };
  }
}

/** Needs no tfjs: models are recognised by shape, so this can run at kernel start. */
export function installModelDisplay(models: DisplayedModels): () => void {
  return registerDisplayFormatter((value) => formatModel(value, models));
}
