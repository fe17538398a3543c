// The LSTM text classifier: the model (Embedding → LSTM, optionally bidirectional → Dense softmax), its seeded training
// batches, and the model kept together with its tokenizer and labels, so that it can be saved, loaded back and asked
// about raw text.
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import * as path from "node:path";
import { seededShuffle, type Example } from "./data";
import { Tokenizer, type TokenizerConfig } from "./tokenizer";

export interface ModelOptions {
  /** The tokenizer's vocabSize (ids 0 … vocabSize-1). */
  vocabSize: number;
  maxLength: number;
  numClasses: number;
  embeddingDim?: number;
  lstmUnits?: number;
  /** Read the text in both directions (two LSTMs, outputs concatenated). */
  bidirectional?: boolean;
  learningRate?: number;
  /** Seeds the initial weights, so that a run can be repeated; without it they differ every time. */
  seed?: number;
}

export function buildModel(options: ModelOptions): tf.Sequential {
  const { vocabSize, maxLength, numClasses, embeddingDim = 32, lstmUnits = 32, bidirectional = false, learningRate = 0.005, seed } = options;
  // Each weight matrix gets a seed of its own: one seed for all would start them from the same numbers.
  const seeded = (offset: number) => (seed === undefined ? undefined : seed + offset);
  const model = tf.sequential({ name: "lstm_text_classifier" });
  const embeddingsInitializer = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seeded(0) });
  model.add(tf.layers.embedding({ inputDim: vocabSize, outputDim: embeddingDim, inputLength: maxLength, embeddingsInitializer, name: "embedding" }));
  const lstm = tf.layers.lstm({
    units: lstmUnits,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(1) }),
    // Not the default orthogonal initializer: tfjs warns "Slowness may result" above 2000 elements, and the recurrent
    // matrix has 4 × lstmUnits² (4096 for 32 units). Glorot uniform trains as well at these sizes.
    recurrentInitializer: tf.initializers.glorotUniform({ seed: seeded(2) }),
    name: "lstm",
  });
  model.add(bidirectional ? tf.layers.bidirectional({ layer: lstm, mergeMode: "concat", name: "bidirectional_lstm" }) : lstm);
  model.add(tf.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(3) }), name: "classes" }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** Word ids [n, maxLength] and one-hot labels [n, classes] of the examples. */
export function toTensors(examples: Example[], tokenizer: Tokenizer, labels: string[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const indexOf = new Map(labels.map((label, index) => [label, index]));
  const indices = examples.map(({ label }) => {
    const index = indexOf.get(label);
    if (index === undefined) throw new Error(`label "${label}" is not one of ${labels.join(", ")}`);
    return index;
  });
  const x = tf.tensor2d(tokenizer.encode(examples.map(({ text }) => text)), [examples.length, tokenizer.config.maxLength], "int32");
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(indices, "int32"), labels.length).toFloat() as tf.Tensor2D);
  return { x, y };
}

/**
 * Batches of the examples in a new order every epoch, for model.fitDataset. The order comes from `seed`, so that a run
 * can be repeated: model.fit's own shuffle draws from Math.random.
 */
export function shuffledBatches({ x, y }: { x: tf.Tensor2D; y: tf.Tensor2D }, batchSize: number, seed: number): tf.data.Dataset<{ xs: tf.Tensor2D; ys: tf.Tensor2D }> {
  const indices = Array.from({ length: x.shape[0] }, (_, i) => i);
  let epoch = 0;
  return tf.data.generator(function* () {
    const order = seededShuffle(indices, seed + epoch++);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = tf.tensor1d(order.slice(start, start + batchSize), "int32");
      // fitDataset disposes of each batch once it has trained on it.
      yield { xs: tf.gather(x, batch), ys: tf.gather(y, batch) };
      batch.dispose();
    }
  });
}

export interface Prediction {
  text: string;
  label: string;
  /** The probability of that label. */
  probability: number;
  probabilities: Record<string, number>;
}

const MODEL_FILE = "model.json";
const VOCAB_FILE = "vocab.json";
const LABELS_FILE = "labels.json";
const TOKENIZER_FILE = "tokenizer.json";

export class TextClassifier {
  constructor(
    readonly model: tf.LayersModel,
    readonly tokenizer: Tokenizer,
    readonly labels: string[],
  ) {
    const [, inputLength] = model.inputs[0].shape;
    const outputs = model.outputs[0].shape[1];
    if (inputLength !== tokenizer.config.maxLength) throw new Error(`the model reads ${inputLength} word ids but the tokenizer makes ${tokenizer.config.maxLength}`);
    if (outputs !== labels.length) throw new Error(`the model has ${outputs} outputs but there are ${labels.length} labels`);
  }

  /** The class probabilities of each text, as a [texts.length, labels.length] array. */
  async probabilities(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const probabilities = tf.tidy(() => {
      const x = tf.tensor2d(this.tokenizer.encode(texts), [texts.length, this.tokenizer.config.maxLength], "int32");
      return this.model.predict(x) as tf.Tensor2D;
    });
    // Read with await: a GPU backend (WebGPU) cannot read synchronously in Node.
    const rows = await probabilities.array();
    probabilities.dispose();
    return rows;
  }

  async predict(texts: string[]): Promise<Prediction[]> {
    return (await this.probabilities(texts)).map((row, i) => {
      const best = row.indexOf(Math.max(...row));
      return {
        text: texts[i],
        label: this.labels[best],
        probability: row[best],
        probabilities: Object.fromEntries(this.labels.map((label, k) => [label, row[k]])),
      };
    });
  }

  /** Writes model.json and its weights, vocab.json, labels.json and tokenizer.json (the tokenizer's settings) into dir. */
  async save(dir: string): Promise<void> {
    const absolute = path.resolve(dir);
    fs.mkdirSync(absolute, { recursive: true });
    await this.model.save(`file://${absolute}`);
    const { config, vocab } = this.tokenizer.toJSON();
    writeJson(path.join(absolute, VOCAB_FILE), vocab);
    writeJson(path.join(absolute, LABELS_FILE), this.labels);
    writeJson(path.join(absolute, TOKENIZER_FILE), config);
  }

  /** Loads what save() wrote, ready to classify raw text. */
  static async load(dir: string): Promise<TextClassifier> {
    const absolute = path.resolve(dir);
    const vocab = readJson(path.join(absolute, VOCAB_FILE)) as string[];
    const labels = readJson(path.join(absolute, LABELS_FILE));
    const config = readJson(path.join(absolute, TOKENIZER_FILE)) as TokenizerConfig;
    if (!Array.isArray(labels) || !labels.every((label) => typeof label === "string")) throw new Error(`${path.join(absolute, LABELS_FILE)} must be a JSON array of strings`);
    const model = await tf.loadLayersModel(`file://${path.join(absolute, MODEL_FILE)}`);
    return new TextClassifier(model, Tokenizer.fromJSON({ config, vocab }), labels);
  }
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value) + "\n");
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot load the text classifier: ${file}: ${(error as Error).message}`, { cause: error });
  }
}
