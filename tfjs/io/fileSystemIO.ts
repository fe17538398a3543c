// `file://` save and load for every backend, in tfjs-node's format (model.json + weights.bin), so
// that models move freely between this kernel and tfjs-node. Used when no native package, which
// brings its own, is loaded. Relative paths are relative to the notebook's folder.
import { dirname, join, resolve } from "node:path";
import type { io } from "@tensorflow/tfjs";
import { createDirectory, existingAncestor, notRegularFile, readRegularFile, statIfExists, whyFailed, writeRegularFile } from "../../common/safeFileSystem";
import type { Tfjs } from "../tfjsModule";
import { readWeightFiles } from "./weightFiles";

const SCHEME = "file://";
const MODEL_JSON = "model.json";
const WEIGHTS_BIN = "weights.bin";

/** A router answers null for URLs it does not handle (tfjs's own type does not say so). */
type IORouter = (url: string | string[]) => io.IOHandler | null;
const asRouter = (router: IORouter) => router as Parameters<Tfjs["io"]["registerSaveRouter"]>[0];

export function registerFileSystemIO(tf: Tfjs, baseDir: string): void {
  const handlerOf = (url: string | string[]) =>
    typeof url === "string" && url.startsWith(SCHEME) ? fileSystemHandler(tf, resolve(baseDir, url.slice(SCHEME.length))) : null;
  tf.io.registerSaveRouter(asRouter(handlerOf));
  tf.io.registerLoadRouter(asRouter(handlerOf));
}

/** Saves to and loads from one model folder (model.json + weights.bin), without a `file://` router. */
export function fileSystemHandler(tf: Tfjs, dir: string): io.IOHandler {
  return { save: (artifacts: io.ModelArtifacts) => saveModel(tf, dir, artifacts), load: () => loadModel(tf, dir) };
}

async function saveModel(tf: Tfjs, dir: string, artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error(`Cannot save to ${SCHEME}${dir}: a binary model topology cannot be written as model.json`);
  }
  const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  const modelJSON: io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  // Optional fields only when present, as tfjs-node writes them.
  if (artifacts.trainingConfig) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer) modelJSON.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature) modelJSON.initializerSignature = artifacts.initializerSignature;
  try {
    if (statIfExists(dir)?.isFile()) {
      throw new Error(`it is a file. Give a directory (it is created if needed); the model goes to ${MODEL_JSON} and ${WEIGHTS_BIN} in it.`);
    }
    createDirectory(dir);
    writeRegularFile(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
    writeRegularFile(join(dir, WEIGHTS_BIN), Buffer.from(weightData));
  } catch (error) {
    throw new Error(`Cannot save to ${SCHEME}${dir}: ${(error as Error).message}`, { cause: error });
  }
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: "JSON",
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
      weightDataBytes: weightData.byteLength,
    },
  };
}

/** Reads a model.json (or the directory holding one) and its weight files, as `file://` loading does. */
async function loadModel(tf: Tfjs, path: string): Promise<io.ModelArtifacts> {
  // Errors name the model.json once it is found, else the path given.
  let file = path;
  let modelJSON: io.ModelJSON;
  try {
    let stats = statIfExists(path);
    if (!stats) throw new Error(missingPathReason(path));
    // A directory saved by model.save() is accepted as well as its model.json.
    if (stats.isDirectory()) {
      stats = statIfExists(join(path, MODEL_JSON));
      if (!stats) throw new Error(`it is a directory without a ${MODEL_JSON}`);
      file = join(path, MODEL_JSON);
    }
    const notFile = notRegularFile(stats);
    if (notFile) throw new Error(notFile);
    modelJSON = parsedModelJson(file);
  } catch (error) {
    throw loadFailure(file, error);
  }
  return modelArtifacts(tf, file, modelJSON);
}

function missingPathReason(path: string): string {
  const ancestor = existingAncestor(path);
  if (!ancestor.stats.isDirectory()) return `${ancestor.path} is a file, not a directory`;
  return `no such file. Give the path of a ${MODEL_JSON} written by model.save("${SCHEME}DIR").`;
}

function parsedModelJson(file: string): io.ModelJSON {
  let text: string;
  try {
    text = readRegularFile(file).toString("utf8");
  } catch (error) {
    throw new Error(`cannot read it (${whyFailed(error)})`, { cause: error });
  }
  let modelJSON: io.ModelJSON;
  try {
    modelJSON = JSON.parse(text) as io.ModelJSON;
  } catch (error) {
    throw new Error(`it is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!modelJSON || typeof modelJSON !== "object" || !("modelTopology" in modelJSON)) {
    throw new Error("it has no modelTopology, so it is not a tfjs model.json");
  }
  return modelJSON;
}

/** The artifacts of an already parsed model.json, its weight files read from its directory and nowhere else. */
export function modelArtifacts(tf: Tfjs, file: string, modelJSON: io.ModelJSON): Promise<io.ModelArtifacts> {
  return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    try {
      const [specs, buffers] = readWeightFiles(dirname(resolve(file)), manifest);
      return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
    } catch (error) {
      throw loadFailure(file, error);
    }
  });
}

function loadFailure(file: string, error: unknown): Error {
  return new Error(`Cannot load ${SCHEME}${file}: ${(error as Error).message}`);
}
