// What `tfjs-studio package` checks before it writes anything, and the serving.json it derives. The checks are the
// ones a SageMaker deploy would otherwise fail on after a long wait: every failure names the file and what is wrong.
import * as path from "node:path";
import type { io } from "@tensorflow/tfjs";
import { statIfExists } from "../../common/safeFileSystem";
import { packageVersion } from "../../protocol/packageRoot";
import { MODEL_NAME_PATTERN, SERVING_MANIFEST_SCHEMA_VERSION, type Preprocessing, type ServingManifest } from "../../protocol/servingManifest";
import { checkWeightFiles } from "../../tfjs/io/weightFiles";
import { loadServableModel, type ServableModel } from "../../tfjs/io/servableModel";
import type { Tfjs } from "../../tfjs/tfjsModule";
import { checkedLabels, LABELS_JSON, PackageProblem, readJsonFile } from "./packageChecks";
import { readTextModelFiles, TEXT_MODEL_FILES, type TextModelFiles } from "./textModelFiles";

export const MODEL_JSON = "model.json";

export interface PackageOptions {
  /** The model's name in URLs; the folder's name when not given. */
  name?: string;
  version?: string;
  /** For image models: what each raw input value is multiplied by (1/255 for pixels 0-255). */
  scale?: number;
  /** An Embedding model without vocabulary files takes word ids as they are. */
  rawIds?: boolean;
}

/** A file of the package, by its path inside the model folder (and the archive). */
export interface PackagedFile {
  name: string;
  size: number;
}

export interface ModelPackage {
  dir: string;
  manifest: ServingManifest;
  files: PackagedFile[];
}

export async function inspectModelDir(tf: Tfjs, modelDir: string, options: PackageOptions = {}): Promise<ModelPackage> {
  const dir = path.resolve(modelDir);
  const stats = statIfExists(dir);
  if (!stats) throw new PackageProblem(`${dir}: no such folder. Give the folder that model.save("file://…") wrote.`);
  if (!stats.isDirectory()) throw new PackageProblem(`${dir}: not a folder. Give the folder that holds ${MODEL_JSON}, not a file.`);
  const modelFile = path.join(dir, MODEL_JSON);
  const modelJson = readModelJson(modelFile);
  const weightFiles = (() => {
    try {
      return checkWeightFiles(dir, modelJson.weightsManifest);
    } catch (error) {
      throw new PackageProblem(`${modelFile}: ${(error as Error).message}`, { cause: error });
    }
  })();
  let servable: ServableModel;
  try {
    servable = await loadServableModel(tf, dir);
  } catch (error) {
    throw new PackageProblem((error as Error).message, { cause: error });
  }
  // Read for its signature only: the weights go back (the extension host packages many models in one process).
  try {
    const text = readTextModelFiles(dir, servable);
    if (!text && servable.firstLayerClass === "Embedding" && !options.rawIds) {
      throw new PackageProblem(
        `${dir}: an Embedding model needs ${TEXT_MODEL_FILES.join(", ")} beside ${MODEL_JSON} to take raw text (the LSTM template's TextClassifier.save writes them); package with --raw-ids to serve word ids as they are.`,
      );
    }
    const labels = text?.labels ?? readLabels(dir, servable);
    const name = options.name ?? modelName(path.basename(dir));
    if (!MODEL_NAME_PATTERN.test(name)) throw new PackageProblem(`--name ${JSON.stringify(name)}: a model name has letters, digits, ".", "-" and "_" only, and at most 63 of them`);
    const manifest: ServingManifest = {
      schemaVersion: SERVING_MANIFEST_SCHEMA_VERSION,
      name,
      version: options.version ?? "1",
      format: servable.format,
      modelFile: MODEL_JSON,
      inputs: servable.inputs,
      outputs: servable.outputs,
      ...(labels ? { labels } : {}),
      preprocessing: preprocessing(text, options),
      createdAt: new Date().toISOString(),
      createdBy: `tfjs-studio ${packageVersion()}`,
    };
    const files: PackagedFile[] = [
      { name: MODEL_JSON, size: statIfExists(modelFile)?.size ?? 0 },
      ...weightFiles.map((file) => ({ name: path.relative(dir, file.path).split(path.sep).join("/"), size: file.size })),
      ...[...(text ? TEXT_MODEL_FILES : []), ...(labels && !text ? [LABELS_JSON] : [])].map((name) => ({ name, size: statIfExists(path.join(dir, name))?.size ?? 0 })),
    ];
    return { dir, manifest, files };
  } finally {
    servable.model.dispose();
  }
}

function readModelJson(file: string): io.ModelJSON {
  if (!statIfExists(file)) throw new PackageProblem(`${file}: no such file. A model folder holds the ${MODEL_JSON} that model.save wrote.`);
  const parsed = readJsonFile(file);
  if (typeof parsed !== "object" || parsed === null || !("modelTopology" in parsed)) throw new PackageProblem(`${file}: it has no modelTopology, so it is not a TensorFlow.js model.json`);
  if (!("weightsManifest" in parsed)) throw new PackageProblem(`${file}: it has no weightsManifest, so its weights cannot be found`);
  return parsed as io.ModelJSON;
}

/** labels.json beside a model that is not a text model: one label a class of its first output. */
function readLabels(dir: string, servable: ServableModel): string[] | undefined {
  const file = path.join(dir, LABELS_JSON);
  if (!statIfExists(file)) return undefined;
  return checkedLabels(file, readJsonFile(file), servable);
}

function preprocessing(text: TextModelFiles | undefined, options: PackageOptions): Preprocessing {
  if (text) return { kind: "text", tokenizer: text.tokenizer };
  if (options.scale !== undefined) return { kind: "image", scale: options.scale };
  return { kind: "none" };
}

/** A folder name as a model name: what URLs allow, e.g. "mnist-mlp-model". */
function modelName(folder: string): string {
  const name = folder.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 63);
  return name || "model";
}
