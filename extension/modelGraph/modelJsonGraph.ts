// Builds the layer graph, with each weight's statistics, of a model.json on disk (a tf.LayersModel
// saved by model.save() or converted from Keras). Runs on the model reader's worker thread
// (modelJsonWorker.ts) with tfjs' plain CPU backend, loaded only when the first model is opened.
import { ON_REQUEST_STATS_MAX_PARAMS, modelGraph } from "../../tfjs/modelGraph/modelGraph";
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { io } from "@tensorflow/tfjs";
import { readRegularFile, whyFailed } from "../../common/safeFileSystem";
import { modelArtifacts } from "../../tfjs/io/fileSystemIO";
import type { Tfjs } from "../../tfjs/tfjsModule";

export async function modelJsonGraph(path: string): Promise<ModelGraph> {
  const modelJSON = checkedLayersModelJson(path);
  const tf = await cpuTfjs();
  let model;
  try {
    model = await tf.loadLayersModel({ load: () => modelArtifacts(tf, path, modelJSON) });
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    throw new Error(message.startsWith("Cannot load") ? message : `Cannot load ${path} as a layers model: ${message}`, { cause: error });
  }
  try {
    return modelGraph(model, { statsMaxParams: ON_REQUEST_STATS_MAX_PARAMS });
  } finally {
    model.dispose();
  }
}

/** The parsed model.json; says clearly what is wrong with a file that is not a layers model.json, before tfjs fails obscurely. */
function checkedLayersModelJson(path: string): io.ModelJSON {
  let text: string;
  try {
    text = readRegularFile(path).toString("utf8");
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${whyFailed(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const model = json as { format?: unknown; modelTopology?: Record<string, unknown> | null } | null;
  if (typeof model !== "object" || model === null || typeof model.modelTopology !== "object" || model.modelTopology === null) {
    throw new Error(`${path} has no modelTopology, so it is not a TensorFlow.js model.json`);
  }
  const topology = model.modelTopology;
  if (model.format === "graph-model" || Array.isArray(topology.node)) {
    throw new Error(
      `${path} is a graph model (converted from a TensorFlow SavedModel or frozen graph): it has ops, not layers. The model graph shows layers models (tf.LayersModel) only.`,
    );
  }
  const config = (topology.model_config ?? topology) as { class_name?: unknown };
  if (typeof config.class_name !== "string") {
    throw new Error(`${path} is not a layers model: its modelTopology names no model class (class_name)`);
  }
  return json as io.ModelJSON;
}

let tfjs: Promise<Tfjs> | undefined;

function cpuTfjs(): Promise<Tfjs> {
  tfjs ??= (async () => {
    // Loaded on first use: tfjs is large and most sessions never open a model.json.
    const tf = require("@tensorflow/tfjs") as Tfjs;
    await tf.setBackend("cpu");
    return tf;
  })().catch((error) => {
    tfjs = undefined;
    throw error;
  });
  return tfjs;
}
