// A text model's files beside model.json, as the LSTM template's TextClassifier.save writes them: vocab.json (the
// words, index = id, starting with <pad> and <oov>), labels.json (one a class) and tokenizer.json (the settings).
// Checked against each other and against the model, so that a package serves the text the model was trained on.
import * as path from "node:path";
import { statIfExists } from "../../common/safeFileSystem";
import type { TextTokenizerSettings } from "../../protocol/servingManifest";
import type { ServableModel } from "../../tfjs/io/servableModel";
import { checkedLabels, LABELS_JSON, PackageProblem, readJsonFile } from "./packageChecks";

export const VOCAB_JSON = "vocab.json";
export const TOKENIZER_JSON = "tokenizer.json";
export const TEXT_MODEL_FILES = [VOCAB_JSON, LABELS_JSON, TOKENIZER_JSON] as const;

export interface TextModelFiles {
  labels: string[];
  tokenizer: TextTokenizerSettings;
}

/** The text files when vocab.json or tokenizer.json is there (then all must be, and agree), else undefined. */
export function readTextModelFiles(dir: string, servable: ServableModel): TextModelFiles | undefined {
  const present = TEXT_MODEL_FILES.filter((name) => statIfExists(path.join(dir, name)));
  // labels.json alone belongs to any classifier.
  if (!present.includes(VOCAB_JSON) && !present.includes(TOKENIZER_JSON)) return undefined;
  const missing = TEXT_MODEL_FILES.filter((name) => !present.includes(name));
  if (missing.length > 0) {
    throw new PackageProblem(`${path.join(dir, missing[0])}: missing. A text model needs ${TEXT_MODEL_FILES.join(", ")} together; ${present.join(" and ")} ${present.length === 1 ? "is" : "are"} there.`);
  }
  const [vocabFile, labelsFile, tokenizerFile] = TEXT_MODEL_FILES.map((name) => path.join(dir, name));
  const vocab = readJsonFile(vocabFile);
  if (!Array.isArray(vocab) || !vocab.every((word) => typeof word === "string") || vocab[0] !== "<pad>" || vocab[1] !== "<oov>") {
    throw new PackageProblem(`${vocabFile}: must be a JSON array of words starting with "<pad>", "<oov>"`);
  }
  const tokenizer = tokenizerSettings(tokenizerFile, readJsonFile(tokenizerFile), vocab.length);
  const [input] = servable.inputs;
  const length = input.shape[1];
  if (servable.inputs.length !== 1 || input.shape.length !== 2) throw new PackageProblem(`${tokenizerFile}: a text model takes one input of word ids, shaped [batch, length]; this one takes ${describeInputs(servable)}`);
  if (length !== null && length !== tokenizer.maxLength) {
    throw new PackageProblem(`${tokenizerFile}: maxLength is ${tokenizer.maxLength}, but the model's input ${input.name} takes ${length} word ids`);
  }
  return { labels: checkedLabels(labelsFile, readJsonFile(labelsFile), servable), tokenizer };
}

function tokenizerSettings(file: string, value: unknown, vocabLength: number): TextTokenizerSettings {
  const config = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const problem = (field: string, expected: string) => new PackageProblem(`${file}: ${field} must be ${expected}, got ${JSON.stringify(config[field])}`);
  const { vocabSize, maxLength, lowercase, punctuation, padding, truncating } = config;
  if (!Number.isInteger(vocabSize) || (vocabSize as number) < 3) throw problem("vocabSize", "an integer of at least 3");
  if (!Number.isInteger(maxLength) || (maxLength as number) < 1) throw problem("maxLength", "a positive integer");
  if (typeof lowercase !== "boolean") throw problem("lowercase", "true or false");
  if (punctuation !== "strip" && punctuation !== "split") throw problem("punctuation", '"strip" or "split"');
  if (padding !== "pre" && padding !== "post") throw problem("padding", '"pre" or "post"');
  if (truncating !== "pre" && truncating !== "post") throw problem("truncating", '"pre" or "post"');
  if (vocabLength > (vocabSize as number)) throw new PackageProblem(`${file}: vocabSize is ${vocabSize as number}, but ${VOCAB_JSON} has ${vocabLength} words`);
  return { vocabFile: VOCAB_JSON, vocabSize: vocabSize as number, maxLength: maxLength as number, lowercase, punctuation, padding, truncating };
}

function describeInputs(servable: ServableModel): string {
  return servable.inputs.map((input) => `${input.name} [${input.shape.map((size) => size ?? "?").join(", ")}]`).join(", ");
}
