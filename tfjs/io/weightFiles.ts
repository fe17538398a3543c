// Reads the weight files a model.json's weightsManifest lists, refusing what would load garbage or read
// elsewhere: a path that leaves the model's directory, something that is not a regular file, and a
// group whose files do not hold exactly the bytes its weights take.
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { io } from "@tensorflow/tfjs";
import { notRegularFile, readRegularFile, statIfExists, whyFailed } from "../../common/safeFileSystem";

/** Bytes per stored value, by dtype or, for quantized weights, by quantization dtype (as tfjs decodes them). */
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, complex64: 8, bool: 1, float16: 2, uint16: 2, uint8: 1 };

/** The weight specs and their bytes, all groups in order; errors say what is wrong, for "Cannot load <model.json>: …". */
export function readWeightFiles(modelDir: string, manifest: io.WeightsManifestConfig): [io.WeightsManifestEntry[], ArrayBuffer[]] {
  const buffers = checkWeightFiles(modelDir, manifest).map(({ path }) => {
    let bytes: Buffer;
    try {
      bytes = readRegularFile(path);
    } catch (error) {
      throw new Error(`cannot read its weights file ${path} (${whyFailed(error)})`, { cause: error });
    }
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
  return [manifest.flatMap((group) => group.weights), buffers];
}

export interface WeightFile {
  path: string;
  size: number;
}

/** The listed weight files, all groups in order, each checked to be there, inside modelDir, and of the right size. */
export function checkWeightFiles(modelDir: string, manifest: io.WeightsManifestConfig): WeightFile[] {
  if (!Array.isArray(manifest) || !manifest.every((group) => Array.isArray(group?.paths) && Array.isArray(group.weights))) {
    throw new Error("its weightsManifest is not a list of { paths, weights } groups");
  }
  const files = manifest.map((group) => group.paths.map((name) => weightFile(modelDir, name)));
  manifest.forEach((group, index) => checkGroupSize(group, files[index]));
  return files.flat();
}

/** A listed weight file, which must be a regular file in the model's directory or below it. */
function weightFile(modelDir: string, name: unknown): WeightFile {
  const path = typeof name === "string" && !isAbsolute(name) ? resolve(modelDir, name) : undefined;
  if (path === undefined || leaves(modelDir, path)) {
    throw new Error(`its weights path ${JSON.stringify(name)} leaves the model's directory ${modelDir}: a model.json may only name files beside it or below`);
  }
  const stats = statIfExists(path);
  if (!stats) throw new Error(`its weights file ${path} does not exist`);
  const notFile = notRegularFile(stats);
  if (notFile) throw new Error(`its weights file ${path} cannot be read: ${notFile}`);
  return { path, size: stats.size };
}

function leaves(dir: string, path: string): boolean {
  const inside = relative(dir, path);
  return inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside);
}

/** A group's weights are stored back to back across its files, so the files' sizes must add up to theirs. */
function checkGroupSize(group: io.WeightsManifestConfig[number], files: WeightFile[]): void {
  const expected = groupByteLength(group.weights);
  const actual = files.reduce((sum, file) => sum + file.size, 0);
  if (expected === undefined || expected === actual) return;
  const named = files.map((file) => file.path).join(", ");
  const count = `the manifest's ${group.weights.length} weights for`;
  throw new Error(
    files.length === 1
      ? `its weights file ${named} has ${actual} bytes, but ${count} it take ${expected} bytes`
      : `its weights files ${named} have ${actual} bytes together, but ${count} them take ${expected} bytes`,
  );
}

/** The bytes a group's weights take, or undefined when the manifest cannot tell: strings carry their lengths in the data. */
function groupByteLength(weights: io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const weight of weights) {
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    if (dtype === "string") return undefined;
    const bytes = BYTES_PER_VALUE[dtype];
    if (bytes === undefined) throw new Error(`its weight ${weight.name} has the dtype ${dtype}, which TensorFlow.js cannot read`);
    if (!Array.isArray(weight.shape) || !weight.shape.every((size) => Number.isInteger(size) && size >= 0)) {
      throw new Error(`its weight ${weight.name} has no valid shape (${JSON.stringify(weight.shape)})`);
    }
    total += weight.shape.reduce((product, size) => product * size, 1) * bytes;
  }
  return total;
}
