// MNIST and Fashion-MNIST for the mnist-mlp and mnist-cnn templates: reads the four IDX files from a
// folder or downloads them once into the cache, then serves normalised, one-hot batches through
// tf.data. The pixels stay in memory once, as the bytes of the files; batches are built as needed.
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { downloadFile } from "tfjs-studio";

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;

/** The public MNIST mirror, and the sha256 of its files. */
export const MNIST_BASE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/";
export const MNIST_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
  "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
  "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
  "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
};
/** Where Debian's dataset-fashion-mnist package puts Fashion-MNIST. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};
type FileKey = keyof typeof FILES;

const LABEL_NAMES = {
  mnist: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

export interface MnistOptions {
  /** "fashion-mnist" reads FASHION_MNIST_DIR (apt install dataset-fashion-mnist) unless `dir` is given. */
  dataset?: "mnist" | "fashion-mnist";
  /** A folder with the four IDX files (gzipped or not). Without it, ./data is used when it has them, else MNIST is downloaded. */
  dir?: string;
  /** Where to download MNIST from (default MNIST_BASE_URL). */
  baseUrl?: string;
  /** Expected sha256 of each downloaded file, by file name (default MNIST_SHA256; a mirror serves the same files). */
  sha256?: Record<string, string>;
  /** Use at most this many training images (training plus validation), for quick runs. */
  limit?: number;
  /** Use at most this many test images. */
  testLimit?: number;
  /** The share of the training images held out for validation (default 0.1). */
  validationSplit?: number;
  /** Seed of the train/validation split and of the shuffling (default 42). */
  seed?: number;
}

/** "flat": [batch, 784] for dense layers; "image": [batch, 28, 28, 1] for convolutions. */
export type InputShape = "flat" | "image";

export interface Batch extends tf.TensorContainerObject {
  xs: tf.Tensor;
  ys: tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// IDX files

/** The dimensions and the bytes of an unsigned-byte IDX file; `data` is a view into the file, not a copy. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const IDX_TYPE_NAMES: Record<number, string> = { 0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "int16", 0x0c: "int32", 0x0d: "float32", 0x0e: "float64" };

/** Parses an IDX file, gzipped or not (told apart by gzip's magic bytes). `name` appears in errors. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(`${name} looks gzipped but cannot be decompressed: ${(error as Error).message}`, { cause: error });
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const start = Array.from(bytes.subarray(0, 4), (b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ");
    throw new Error(`${name} is not an IDX file: it starts with ${start || "nothing"}, an IDX file with 0x00 0x00, a gzip file with 0x1f 0x8b`);
  }
  const type = bytes[2];
  if (type !== 0x08) {
    throw new Error(`${name} holds ${IDX_TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} values; only unsigned bytes (type 0x08, as in MNIST) are supported`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerLength) throw new Error(`${name} has a truncated IDX header (${rank} dimensions, ${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    throw new Error(`${name} has ${actual} bytes of data but its header [${shape.join(", ")}] announces ${expected}: the file is truncated or corrupt`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}

// ---------------------------------------------------------------------------------------------
// Finding or downloading the files

function findFile(dir: string, key: FileKey): string | undefined {
  return [`${FILES[key]}.gz`, FILES[key]].map((name) => join(dir, name)).find((file) => existsSync(file));
}

function hasAllFiles(dir: string): boolean {
  return (Object.keys(FILES) as FileKey[]).every((key) => findFile(dir, key));
}

function readFromFolder(dir: string): Record<FileKey, string> {
  const missing = (Object.keys(FILES) as FileKey[]).filter((key) => !findFile(dir, key));
  if (missing.length > 0) {
    const names = missing.map((key) => `${FILES[key]}(.gz)`).join(", ");
    throw new Error(`${dir} does not have the MNIST files ${names}. Put the four IDX files there (gzipped or not), or leave the folder unset to download MNIST.`);
  }
  return Object.fromEntries((Object.keys(FILES) as FileKey[]).map((key) => [key, findFile(dir, key)!])) as Record<FileKey, string>;
}

async function downloadAll(baseUrl: string, sha256: Record<string, string>): Promise<Record<FileKey, string>> {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const offlineHint =
    "To work offline, put the four MNIST IDX files (e.g. train-images-idx3-ubyte.gz) in a folder and pass it as " +
    "`dir` (the notebooks read the MNIST_DIR environment variable), or use `dataset: \"fashion-mnist\"` with Debian's dataset-fashion-mnist package.";
  const files = {} as Record<FileKey, string>;
  for (const key of Object.keys(FILES) as FileKey[]) {
    const name = `${FILES[key]}.gz`;
    files[key] = await downloadFile(base + name, join("mnist", name), { sha256: sha256[name], label: name, offlineHint });
  }
  return files;
}

async function locateFiles(options: MnistOptions): Promise<{ files: Record<FileKey, string>; source: string }> {
  if (options.dir) return { files: readFromFolder(resolve(options.dir)), source: resolve(options.dir) };
  if (options.dataset === "fashion-mnist") {
    if (!existsSync(FASHION_MNIST_DIR)) {
      throw new Error(`Fashion-MNIST is not in ${FASHION_MNIST_DIR}. Install it with \`sudo apt install dataset-fashion-mnist\`, or pass its folder as \`dir\`.`);
    }
    return { files: readFromFolder(FASHION_MNIST_DIR), source: FASHION_MNIST_DIR };
  }
  const local = resolve("data");
  if (hasAllFiles(local)) return { files: readFromFolder(local), source: local };
  const baseUrl = options.baseUrl ?? MNIST_BASE_URL;
  return { files: await downloadAll(baseUrl, options.sha256 ?? MNIST_SHA256), source: baseUrl };
}

// ---------------------------------------------------------------------------------------------
// The data set

/** Loads MNIST (or Fashion-MNIST) as described by `options`; see MnistOptions. */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  const dataset = options.dataset ?? "mnist";
  if (!(dataset in LABEL_NAMES)) throw new Error(`unknown dataset ${JSON.stringify(dataset)}: use "mnist" or "fashion-mnist"`);
  const validationSplit = options.validationSplit ?? 0.1;
  if (!(validationSplit > 0 && validationSplit < 1)) throw new Error(`validationSplit must be between 0 and 1, got ${validationSplit}`);
  for (const [name, value] of [["limit", options.limit], ["testLimit", options.testLimit]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive integer, got ${value}`);
  }

  const { files, source } = await locateFiles(options);
  const read = (key: FileKey) => parseIdx(readFileSync(files[key]), files[key]);
  const train = checkedPair(read("trainImages"), read("trainLabels"), files.trainImages, options.limit);
  const test = checkedPair(read("testImages"), read("testLabels"), files.testImages, options.testLimit);
  return new MnistData(train, test, LABEL_NAMES[dataset], source, validationSplit, options.seed ?? 42);
}

interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function checkedPair(images: IdxArray, labels: IdxArray, name: string, limit: number | undefined): Split {
  const [count, rows, columns] = images.shape;
  if (images.shape.length !== 3 || rows !== IMAGE_SIZE || columns !== IMAGE_SIZE) {
    throw new Error(`${name}: expected images of shape [count, 28, 28], got [${images.shape.join(", ")}]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new Error(`${name}: ${count} images but ${labels.shape.join(" × ")} labels`);
  }
  const bad = labels.data.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) throw new Error(`${name}: label ${labels.data[bad]} at index ${bad} is not a class 0-9`);
  const used = Math.min(count, limit ?? count);
  return { images: images.data.subarray(0, used * PIXELS), labels: labels.data.subarray(0, used), count: used };
}

export class MnistData {
  private readonly trainIndices: Uint32Array;
  private readonly validationIndices: Uint32Array;
  private readonly testIndices: Uint32Array;
  private readonly random: () => number;

  constructor(
    private readonly train: Split,
    private readonly test: Split,
    /** The class names, by label. */
    readonly labelNames: string[],
    /** The folder or URL the files came from. */
    readonly source: string,
    validationSplit: number,
    seed: number,
  ) {
    this.random = mulberry32(seed);
    const shuffledTrain = shuffle(range(train.count), this.random);
    const validationCount = Math.max(1, Math.round(train.count * validationSplit));
    this.validationIndices = shuffledTrain.subarray(0, validationCount);
    this.trainIndices = shuffledTrain.subarray(validationCount);
    this.testIndices = range(test.count);
  }

  get trainCount(): number {
    return this.trainIndices.length;
  }
  get validationCount(): number {
    return this.validationIndices.length;
  }
  get testCount(): number {
    return this.test.count;
  }

  /** Training batches, reshuffled every epoch. */
  trainDataset(batchSize: number, shape: InputShape): tf.data.Dataset<Batch> {
    return this.batches(this.train, this.trainIndices, batchSize, shape, true);
  }

  validationDataset(batchSize: number, shape: InputShape): tf.data.Dataset<Batch> {
    return this.batches(this.train, this.validationIndices, batchSize, shape, false);
  }

  /** Test batches, in file order: the i-th prediction is for testImage(i). */
  testDataset(batchSize: number, shape: InputShape): tf.data.Dataset<Batch> {
    return this.batches(this.test, this.testIndices, batchSize, shape, false);
  }

  /** Test image `index` as a [28, 28] tensor with values in [0, 1]. */
  testImage(index: number): tf.Tensor2D {
    return tf.tidy(() => tf.tensor2d(this.test.images.subarray(index * PIXELS, (index + 1) * PIXELS), [IMAGE_SIZE, IMAGE_SIZE], "int32").div(255));
  }

  testLabel(index: number): number {
    return this.test.labels[index];
  }

  toString(): string {
    return `${this.trainCount} training, ${this.validationCount} validation and ${this.testCount} test images from ${this.source}`;
  }

  private batches(split: Split, indices: Uint32Array, batchSize: number, shape: InputShape, reshuffle: boolean): tf.data.Dataset<Batch> {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const random = this.random;
    // tf.data calls this once per epoch; each batch is normalised and one-hot encoded only when it is needed.
    return tf.data.generator(function* (): Iterator<Batch> {
      const order = reshuffle ? shuffle(indices.slice(), random) : indices;
      for (let start = 0; start < order.length; start += batchSize) {
        const count = Math.min(batchSize, order.length - start);
        const xs = new Float32Array(count * PIXELS);
        const ys = new Float32Array(count * NUM_CLASSES);
        for (let i = 0; i < count; i++) {
          const index = order[start + i];
          const pixels = split.images.subarray(index * PIXELS, (index + 1) * PIXELS);
          for (let p = 0; p < PIXELS; p++) xs[i * PIXELS + p] = pixels[p] / 255;
          ys[i * NUM_CLASSES + split.labels[index]] = 1;
        }
        const xShape = shape === "flat" ? [count, PIXELS] : [count, IMAGE_SIZE, IMAGE_SIZE, 1];
        yield { xs: tf.tensor(xs, xShape), ys: tf.tensor2d(ys, [count, NUM_CLASSES]) };
      }
    });
  }
}

function range(count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => i);
}

/** Fisher-Yates, in place. */
function shuffle(values: Uint32Array, random: () => number): Uint32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** A small seeded generator, so that the split is the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
