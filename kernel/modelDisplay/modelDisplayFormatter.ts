// Shows a tf.LayersModel, as a cell's last expression or through display(), as its layer graph
// (for the VS Code renderer), an HTML summary table and a text summary like model.summary().
import type { LayersModel } from "@tensorflow/tfjs";
import type { MimeBundle } from "../../protocol/messages";
import { registerDisplayFormatter } from "../inKernelModules/mimeBundle";
import { htmlSummary } from "./htmlSummary";
import { isLayersModel } from "../../tfjs/modelGraph/isLayersModel";
import { modelGraph } from "../../tfjs/modelGraph/modelGraph";
import { MODEL_GRAPH_MIME } from "../../protocol/modelGraphSchema";
import { modelSummary } from "./modelSummary";
import { textSummary } from "./textSummary";

/**
 * Weight statistics cost a read of every weight (a GPU download on GPU backends) on each display, so
 * models above this many parameters show without them.
 */
const DISPLAY_STATS_MAX_PARAMS = 5_000_000;

export function modelBundle(model: LayersModel): MimeBundle {
  const graph = modelGraph(model, { statsMaxParams: DISPLAY_STATS_MAX_PARAMS });
  const summary = modelSummary(graph);
  return { [MODEL_GRAPH_MIME]: graph, "text/html": htmlSummary(summary), "text/plain": textSummary(summary) };
}

export function formatModel(value: unknown): MimeBundle | undefined {
  if (!isLayersModel(value)) return undefined;
  try {
    return modelBundle(value);
  } catch (error) {
    // A model tfjs itself cannot walk (e.g. a half-built custom subclass) still shows what it is.
    return { "text/plain": `Model "${value.name}": its layer graph cannot be read: ${(error as Error)?.message ?? error}` };
  }
}

/** Needs no tfjs: models are recognised by shape, so this can run at kernel start. */
export function installModelDisplay(): () => void {
  return registerDisplayFormatter(formatModel);
}
