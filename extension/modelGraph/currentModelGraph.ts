// Asks a notebook's kernel for the current graph of a model shown in one of its cell outputs: the output keeps the
// weights the model had when the cell ran, and training changes them after. When there is no current graph, says
// why in words meant for the user. No vscode import: the session is read through its plain fields.
import { RequestTimeoutError } from "../../client/kernelClient";
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import { MODEL_GRAPH_REQUEST, type ModelGraphReplyContent } from "../../protocol/modelGraphRequest";
import type { NotebookKernelSession } from "../kernel/sessionTypes";

/** A kernel in a loop that never yields cannot answer: the panel then shows the snapshot rather than wait on. */
const REQUEST_TIMEOUT_MS = 10_000;

export type CurrentGraph = { graph: ModelGraph; training: boolean } | { why: string };

export async function currentModelGraph(
  session: Pick<NotebookKernelSession, "state" | "client"> | undefined,
  snapshot: ModelGraph,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<CurrentGraph> {
  if (!snapshot.modelId) return { why: "This output was made by an older TF.js Studio kernel: run the cell again to see the model's current weights." };
  const client = session?.client;
  if (!session || !client || session.state === "dead" || session.state === "shutdown") return { why: "The notebook's kernel is not running, so the model is gone." };
  if (session.state === "starting" || session.state === "restarting") return { why: "The notebook's kernel is starting, so the model that was shown is gone." };
  let content: ModelGraphReplyContent;
  try {
    const reply = await client.request("shell", MODEL_GRAPH_REQUEST, { model_id: snapshot.modelId }, { timeoutMs });
    content = reply.content as ModelGraphReplyContent;
  } catch (error) {
    if (error instanceof RequestTimeoutError) return { why: `The kernel did not answer within ${timeoutMs / 1000} s: it is busy running code that does not yield.` };
    return { why: `The kernel could not be asked: ${(error as Error)?.message ?? String(error)}` };
  }
  if (content?.status === "ok" && typeof content.graph === "object" && content.graph !== null) return { graph: content.graph, training: content.training === true };
  return { why: content?.status === "error" && typeof content.evalue === "string" ? content.evalue : `The kernel's answer was not understood: ${JSON.stringify(content)?.slice(0, 200)}` };
}
