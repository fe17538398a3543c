// The model a server serves: a model.tar.gz (unpacked into a temporary folder) or a model folder, on the best backend
// the machine has (the kernel's choice), with the serving.json that tells how to read requests.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DataType, Tensor } from "@tensorflow/tfjs";
import * as tar from "tar";
import { statIfExists } from "../../common/safeFileSystem";
import { SERVING_MANIFEST_FILE, servingManifestProblem, type ServingManifest } from "../../protocol/servingManifest";
import { TextTokenizer } from "./textTokenizer";
import { selectBackend } from "../../tfjs/backends/selectBackend";
import { THREADS_ENV } from "../../tfjs/backends/threadCount";
import { loadServableModel, predictOutputs, type ServableModel } from "../../tfjs/io/servableModel";
import type { Tfjs } from "../../tfjs/tfjsModule";
import { inspectModelDir } from "../package/modelPackage";
import { readJsonFile } from "../package/packageChecks";
import { InstanceDecoder, type Instance } from "./instanceDecoding";

/** One instance's prediction: a value an output of the model, in the signature's order. */
export type PredictionRow = unknown[];

export interface ServedModel {
  manifest: ServingManifest;
  decoder: InstanceDecoder;
  /** e.g. "wasm (SIMD, 1 thread)" */
  backend: string;
  predict(instances: Instance[]): PredictionRow[];
  dispose(): void;
}

/** Predictions are read synchronously, in one batch at a time (predictionBatcher.ts); WebGPU in Node reads only asynchronously. */
const WEBGPU_UNSUPPORTED = "the model server reads predictions synchronously, which WebGPU in Node cannot do";

export async function loadServedModel(source: string, backendSetting?: string): Promise<ServedModel> {
  const resolved = path.resolve(source);
  const stats = statIfExists(resolved);
  if (!stats) throw new Error(`${resolved}: no such file or folder. Give a model.tar.gz from tfjs-studio package, or a model folder.`);
  const unpacked = stats.isDirectory() ? undefined : await unpack(resolved);
  const dir = unpacked ?? resolved;
  try {
    const { loaded, runtime } = await selectBackend({ setting: backendSetting, notebookDir: dir, threads: process.env[THREADS_ENV], unsupported: { webgpu: WEBGPU_UNSUPPORTED } });
    const { tf } = loaded;
    const manifest = statIfExists(path.join(dir, SERVING_MANIFEST_FILE)) ? readManifest(path.join(dir, SERVING_MANIFEST_FILE)) : (await inspectModelDir(tf, dir)).manifest;
    const servable = await loadServableModel(tf, path.dirname(path.join(dir, manifest.modelFile)));
    const tokenizer = manifest.preprocessing.kind === "text" ? textTokenizer(dir, manifest.preprocessing.tokenizer) : undefined;
    return {
      manifest,
      decoder: new InstanceDecoder(manifest, tokenizer),
      backend: runtime.description ?? runtime.backend ?? "unknown",
      predict: (instances) => predict(tf, servable, manifest, instances),
      dispose: () => {
        servable.model.dispose();
        if (unpacked) fs.rmSync(unpacked, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (unpacked) fs.rmSync(unpacked, { recursive: true, force: true });
    throw error;
  }
}

async function unpack(archive: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-serve-"));
  try {
    // tar refuses absolute paths and ".." in entries by default: nothing lands outside dir.
    await tar.extract({ file: archive, cwd: dir, strict: true });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${archive}: not a model.tar.gz that can be unpacked (${(error as Error).message})`, { cause: error });
  }
  return dir;
}

function readManifest(file: string): ServingManifest {
  const manifest = readJsonFile(file);
  const problem = servingManifestProblem(manifest);
  if (problem) throw new Error(`${file}: ${problem}`);
  return manifest as ServingManifest;
}

function textTokenizer(dir: string, settings: Extract<ServingManifest["preprocessing"], { kind: "text" }>["tokenizer"]): TextTokenizer {
  const file = path.join(dir, settings.vocabFile);
  const vocab = readJsonFile(file);
  if (!Array.isArray(vocab) || !vocab.every((word) => typeof word === "string")) throw new Error(`${file}: must be a JSON array of words`);
  return new TextTokenizer(settings, vocab);
}

/** Instances whose inputs have the same shapes go through the model together; the rows come back in order. */
function predict(tf: Tfjs, servable: ServableModel, manifest: ServingManifest, instances: Instance[]): PredictionRow[] {
  const rows = new Array<PredictionRow>(instances.length);
  const groups = new Map<string, number[]>();
  instances.forEach((instance, index) => {
    const key = instance.map((input) => input.shape.join("x")).join("|");
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  for (const indices of groups.values()) {
    const tensors = tf.tidy(() => {
      const inputs = manifest.inputs.map((signature, k): Tensor => {
        // One typed array for the batch, filled in place: tfjs takes it as it is, without flattening nested arrays.
        const size = instances[indices[0]][k].values.length;
        const dtype = tensorDType(signature.dtype);
        const length = indices.length * size;
        const batch = dtype === "float32" ? new Float32Array(length) : dtype === "int32" ? new Int32Array(length) : new Uint8Array(length);
        indices.forEach((index, position) => batch.set(instances[index][k].values, position * size));
        return tf.tensor(batch, [indices.length, ...instances[indices[0]][k].shape], dtype);
      });
      return predictOutputs(servable, inputs);
    });
    const outputs = tensors.map((tensor) => tensor.arraySync() as unknown[]);
    tf.dispose(tensors);
    indices.forEach((index, position) => (rows[index] = outputs.map((output) => output[position])));
  }
  return rows;
}

function tensorDType(dtype: ServingManifest["inputs"][number]["dtype"]): DataType {
  return dtype === "string" ? "float32" : dtype;
}
