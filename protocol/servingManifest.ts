// serving.json: what `tfjs-studio package` writes at the root of model.tar.gz beside model.json, and what the model
// server (locally, in the container, on SageMaker) and `tfjs-studio invoke` read. Versioned: a reader refuses a
// schemaVersion it does not know instead of guessing.

export const SERVING_MANIFEST_FILE = "serving.json";
export const SERVING_MANIFEST_SCHEMA_VERSION = 1;

/** The dtypes a request's values may be given as. */
export type ServingDType = "float32" | "int32" | "bool" | "string";

export interface TensorSignature {
  name: string;
  /** null where the model takes any size (the batch dimension first). */
  shape: (number | null)[];
  dtype: ServingDType;
}

/** The tokenizer settings of the LSTM template's tokenizer.json; vocabFile lists the words, index = id. */
export interface TextTokenizerSettings {
  vocabFile: string;
  vocabSize: number;
  maxLength: number;
  lowercase: boolean;
  punctuation: "strip" | "split";
  padding: "pre" | "post";
  truncating: "pre" | "post";
}

export type Preprocessing =
  /** Requests carry the model's input values as they are. */
  | { kind: "none" }
  /** Requests carry raw pixel values; each is multiplied by `scale` (1/255 for the MNIST templates). */
  | { kind: "image"; scale: number }
  /** Requests carry raw strings, tokenized into word ids as the model was trained. */
  | { kind: "text"; tokenizer: TextTokenizerSettings };

export interface ServingManifest {
  schemaVersion: typeof SERVING_MANIFEST_SCHEMA_VERSION;
  name: string;
  version: string;
  format: "layers-model" | "graph-model";
  /** The model.json, relative to the package root. */
  modelFile: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** One a class of the first output, when the package has them (labels.json). */
  labels?: string[];
  preprocessing: Preprocessing;
  /** When and with which tfjs-studio the package was made. */
  createdAt: string;
  createdBy: string;
}

/** Model names go into URLs (/v1/models/NAME, /v2/models/NAME): letters, digits, dot, dash, underscore. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** What is wrong with a parsed serving.json, or undefined when it is a manifest this version reads. */
export function servingManifestProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "it is not a JSON object";
  const manifest = value as Record<string, unknown>;
  if (manifest.schemaVersion !== SERVING_MANIFEST_SCHEMA_VERSION) {
    return `its schemaVersion is ${JSON.stringify(manifest.schemaVersion)}; this tfjs-studio reads version ${SERVING_MANIFEST_SCHEMA_VERSION}`;
  }
  if (typeof manifest.name !== "string" || !MODEL_NAME_PATTERN.test(manifest.name)) return `its name ${JSON.stringify(manifest.name)} is not a model name (${MODEL_NAME_PATTERN.source})`;
  if (typeof manifest.version !== "string" || manifest.version === "") return "it has no version";
  if (manifest.format !== "layers-model" && manifest.format !== "graph-model") return `its format ${JSON.stringify(manifest.format)} is neither layers-model nor graph-model`;
  if (typeof manifest.modelFile !== "string") return "it names no modelFile";
  for (const side of ["inputs", "outputs"] as const) {
    const list: unknown = manifest[side];
    if (!Array.isArray(list) || list.length === 0) return `it lists no ${side}`;
    const problem = (list as unknown[]).map(signatureProblem).find((found) => found !== undefined);
    if (problem !== undefined) return `${side}: ${problem}`;
  }
  if (manifest.labels !== undefined && !(Array.isArray(manifest.labels) && manifest.labels.every((label) => typeof label === "string"))) return "its labels are not a list of strings";
  const preprocessing = manifest.preprocessing as { kind?: unknown } | undefined;
  if (!preprocessing || !["none", "image", "text"].includes(preprocessing.kind as string)) return `its preprocessing ${JSON.stringify(preprocessing)} is not none, image or text`;
  return undefined;
}

function signatureProblem(spec: unknown): string | undefined {
  const { name, shape, dtype } = (spec ?? {}) as Partial<Record<keyof TensorSignature, unknown>>;
  if (typeof name !== "string") return "a tensor has no name";
  if (!Array.isArray(shape) || !shape.every((size) => size === null || (Number.isInteger(size) && (size as number) >= 0))) return `${name} has no valid shape`;
  if (!["float32", "int32", "bool", "string"].includes(dtype as string)) return `${name} has the dtype ${JSON.stringify(dtype)}`;
  return undefined;
}
