// Ours, on the shell channel: the extension asks the kernel for the current layer graph and weight statistics of a
// model it displayed (ModelGraph.modelId), because a cell output keeps the weights the model had when its cell ran.
// The kernel answers at once, also while a cell awaits (a training between two batches).
import type { ModelGraph } from "./modelGraphSchema";

export const MODEL_GRAPH_REQUEST = "tfjs_studio_model_graph_request";

export interface ModelGraphRequestContent {
  /** The `modelId` of a graph the kernel displayed. */
  model_id: string;
}

/**
 * Why the kernel has no current graph of the model: its id comes from another kernel process (this one restarted
 * since), the model object no longer exists, its weights cannot be read (disposed), or the request is malformed.
 */
export type ModelGraphErrorName = "ModelFromAnotherKernel" | "ModelGone" | "ModelUnreadable" | "BadRequest";

export type ModelGraphReplyContent =
  | {
      status: "ok";
      /** Read now, with `readAt` the time of this read. */
      graph: ModelGraph;
      /** Whether the model was in the middle of a fit when its weights were read. */
      training: boolean;
    }
  | { status: "error"; ename: ModelGraphErrorName; /** In words meant for the user. */ evalue: string; traceback: string[] };
