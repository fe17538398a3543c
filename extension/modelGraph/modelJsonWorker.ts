// Worker thread that reads model.json files for the model graph panel: loading the weights and computing
// their statistics takes seconds for a big model, which would freeze the extension host and every
// extension in it. tfjs stays loaded here between files.
import { parentPort } from "node:worker_threads";
import { modelJsonGraph } from "./modelJsonGraph";
import type { ModelJsonReply, ModelJsonRequest } from "./modelJsonLoader";

const port = parentPort!;

port.on("message", async ({ id, path }: ModelJsonRequest) => {
  let reply: ModelJsonReply;
  try {
    reply = { id, graph: await modelJsonGraph(path) };
  } catch (error) {
    reply = { id, error: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(reply);
});
