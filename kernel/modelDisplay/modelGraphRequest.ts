// Answers the model graph panel's request for a displayed model's current graph (protocol/modelGraphRequest.ts):
// the weights as they are now, after whatever training ran since the model's cell output was made.
import type { LayersModel } from "@tensorflow/tfjs";
import type { ModelGraphErrorName, ModelGraphReplyContent } from "../../protocol/modelGraphRequest";
import { ON_REQUEST_STATS_MAX_PARAMS } from "../../tfjs/modelGraph/modelGraph";
import type { DisplayedModels } from "./displayedModels";
import { displayedGraph } from "./modelDisplayFormatter";

export function answerModelGraphRequest(content: { model_id?: unknown }, models: DisplayedModels): ModelGraphReplyContent {
  const id = content?.model_id;
  if (typeof id !== "string" || id === "") return failure("BadRequest", `model_id must be the modelId of a displayed model graph, not ${JSON.stringify(id)}`);
  const found = models.find(id);
  if ("ename" in found) return failure(found.ename, found.evalue);
  const unreadable = whyUnreadable(found.model);
  if (unreadable) return failure("ModelUnreadable", `The model's weights cannot be read (was model.dispose() called?): ${unreadable}`);
  return { status: "ok", graph: displayedGraph(found.model, models, ON_REQUEST_STATS_MAX_PARAMS), training: isTraining(found.model) };
}

/** A disposed model still has its layers, so its graph would show without saying that its weights are gone. */
function whyUnreadable(model: LayersModel): string | undefined {
  try {
    for (const weight of model.weights) weight.read();
    return undefined;
  } catch (error) {
    return (error as Error)?.message ?? String(error);
  }
}

type Trainable = { isTraining?: unknown; model?: Trainable };

function isTraining(model: LayersModel): boolean {
  // Protected in tfjs' declarations; fit() sets it for the length of the training, and a Sequential's fit is its
  // inner model's.
  const trainable = model as unknown as Trainable;
  return trainable.isTraining === true || trainable.model?.isTraining === true;
}

function failure(ename: ModelGraphErrorName, evalue: string): ModelGraphReplyContent {
  return { status: "error", ename, evalue, traceback: [] };
}
