// The gradients of each template layer (dense, conv2d, maxPooling2d, dropout, embedding, LSTM) on a small fixed case,
// computed on whichever backend is current, to compare one backend with another: fixed weights and inputs, and the
// loss sum(output × fixed weighting), so that every output element reaches the loss with its own factor. Dropout has a
// seed and runs in training mode: its mask comes from tfjs' seeded generator, the same on every backend. Values are
// read with `await data()`: WebGPU in Node cannot read a tensor synchronously.
import type { Scalar, Tensor, Variable, layers } from "@tensorflow/tfjs";
import { selectBackend } from "../../tfjs/backends/selectBackend";
import type { Tfjs } from "../../tfjs/tfjsModule";
import { values } from "./deterministicValues";

export const GRADIENT_TOLERANCE = 1e-3;

export const TEMPLATE_LAYERS = ["dense", "conv2d", "maxPooling2d", "dropout", "embedding", "lstm"] as const;
export type TemplateLayer = (typeof TEMPLATE_LAYERS)[number];

/** A layer's gradients by name: its trainable weights (kernel, bias, recurrent_kernel, embeddings) and "input". */
export type LayerGradients = Record<string, Float32Array>;

export interface GradientComparison {
  layer: TemplateLayer;
  gradient: string;
  maxAbsDiff: number;
  /** The reference's largest magnitude: a gradient that is zero on both sides compares nothing. */
  referenceMaxAbs: number;
}

interface LayerCase {
  layer: (tf: Tfjs) => layers.Layer;
  input: (tf: Tfjs) => Tensor;
  training?: boolean;
}

// Initializers are zeros: the weights are set to fixed values once built, and tfjs' orthogonal initializer (LSTM's
// default) would run a QR decomposition for nothing.
const zeros = { kernelInitializer: "zeros", biasInitializer: "zeros" } as const;

const CASES: Record<TemplateLayer, LayerCase> = {
  dense: {
    layer: (tf) => tf.layers.dense({ units: 8, activation: "relu", ...zeros }),
    input: (tf) => tf.tensor2d(values(4 * 12, 1), [4, 12]),
  },
  conv2d: {
    layer: (tf) => tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", ...zeros }),
    input: (tf) => tf.tensor4d(values(2 * 9 * 9 * 3, 2), [2, 9, 9, 3]),
  },
  maxPooling2d: {
    layer: (tf) => tf.layers.maxPooling2d({ poolSize: 2 }),
    input: (tf) => tf.tensor4d(values(2 * 8 * 8 * 3, 3), [2, 8, 8, 3]),
  },
  dropout: {
    layer: (tf) => tf.layers.dropout({ rate: 0.25, seed: 7 }),
    input: (tf) => tf.tensor2d(values(6 * 10, 4), [6, 10]),
    training: true,
  },
  embedding: {
    layer: (tf) => tf.layers.embedding({ inputDim: 20, outputDim: 5, embeddingsInitializer: "zeros" }),
    // Ids repeat, so that a row's gradient sums several positions.
    input: (tf) => tf.tensor2d(Array.from(values(4 * 6, 5), (v) => Math.floor((v + 1) * 10)), [4, 6], "int32"),
  },
  lstm: {
    layer: (tf) => tf.layers.lstm({ units: 6, recurrentInitializer: "zeros", ...zeros }),
    input: (tf) => tf.tensor3d(values(3 * 7 * 5, 6), [3, 7, 5]),
  },
};

/** The gradients of one template layer's case on the current backend. */
async function layerGradients(tf: Tfjs, name: TemplateLayer): Promise<LayerGradients> {
  const spec = CASES[name];
  const layer = spec.layer(tf);
  const input = spec.input(tf);
  // Builds the layer, whose weights then get fixed values (the initializers' zeros would hide most of the math).
  tf.dispose(layer.apply(input) as Tensor);
  const fixedWeights = layer.getWeights().map((weight, i) => tf.tensor(values(weight.size, 100 + i, 0.5), weight.shape));
  layer.setWeights(fixedWeights);
  tf.dispose(fixedWeights);
  const weights = layer.trainableWeights;
  const variables = weights.map((weight) => weight.read() as Variable);
  // A float input gets its gradient too, as a variable of its own.
  const inputVariable = input.dtype === "float32" ? tf.variable(input, true) : undefined;
  const outputShape = (layer.computeOutputShape(input.shape) as number[]).map((size, i) => (i === 0 ? input.shape[0] : size));
  const weighting = tf.tensor(values(outputShape.reduce((a, b) => a * b, 1), 200), outputShape);
  const loss = () => {
    const output = layer.apply(inputVariable ?? input, { training: spec.training ?? false }) as Tensor;
    return tf.sum<Scalar>(tf.mul(output, weighting));
  };
  const { value, grads } = tf.variableGrads(loss, inputVariable ? [...variables, inputVariable] : variables);
  const named: [string, Variable][] = weights.map((weight, i) => [weight.originalName.split("/").pop()!, variables[i]]);
  if (inputVariable) named.push(["input", inputVariable]);
  const gradients: LayerGradients = {};
  for (const [gradientName, variable] of named) gradients[gradientName] = (await grads[variable.name].data()) as Float32Array;
  tf.dispose([value, ...Object.values(grads), input, weighting, ...(inputVariable ? [inputVariable] : [])]);
  layer.dispose();
  return gradients;
}

/** Every template layer's gradients on the current backend. */
async function allLayerGradients(tf: Tfjs): Promise<Record<TemplateLayer, LayerGradients>> {
  const all = {} as Record<TemplateLayer, LayerGradients>;
  for (const name of TEMPLATE_LAYERS) all[name] = await layerGradients(tf, name);
  return all;
}

export interface WebGpuComparison {
  /** What the kernel says of the backend, e.g. "GPU: NVIDIA ... (WebGPU)". */
  backend: string;
  rows: GradientComparison[];
}

/**
 * Loads the webgpu backend as the kernel does (TFJS_STUDIO_BACKEND=webgpu), computes every case on cpu and on webgpu,
 * and releases the GPU. Dawn stays in the calling process: call it in a child process of its own.
 */
export async function webgpuAgainstCpu(notebookDir: string): Promise<WebGpuComparison> {
  const { loaded } = await selectBackend({ notebookDir, setting: "webgpu" });
  const { tf } = loaded;
  try {
    const actual = await allLayerGradients(tf);
    await tf.setBackend("cpu");
    const reference = await allLayerGradients(tf);
    return { backend: loaded.description, rows: compareGradients(reference, actual) };
  } finally {
    await loaded.release?.();
  }
}

/** JSON for a comparison: an infinite or NaN difference stays one (plain JSON would make it null). */
export function comparisonToJson(comparison: WebGpuComparison): string {
  return JSON.stringify(comparison, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? String(value) : value));
}

export function comparisonFromJson(text: string): WebGpuComparison {
  const comparison = JSON.parse(text) as WebGpuComparison;
  for (const row of comparison.rows) row.maxAbsDiff = Number(row.maxAbsDiff);
  return comparison;
}

/** Each gradient of `actual` against `reference`; a missing gradient or a length mismatch is an infinite difference. */
function compareGradients(reference: Record<TemplateLayer, LayerGradients>, actual: Record<TemplateLayer, LayerGradients>): GradientComparison[] {
  const rows: GradientComparison[] = [];
  for (const layer of TEMPLATE_LAYERS) {
    for (const [gradient, expected] of Object.entries(reference[layer])) {
      rows.push({ layer, gradient, maxAbsDiff: maxAbsDiff(expected, actual[layer]?.[gradient]), referenceMaxAbs: maxAbs(expected) });
    }
  }
  return rows;
}

function maxAbsDiff(expected: Float32Array, actual: Float32Array | undefined): number {
  if (!actual || actual.length !== expected.length) return Infinity;
  let max = 0;
  // A NaN in either fails too: Math.max propagates it, and NaN <= tolerance is false.
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - actual[i]));
  return max;
}

function maxAbs(data: Float32Array): number {
  return data.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
}

/** Within tolerance, and over a gradient that is not all zeros. */
export function gradientPasses(row: GradientComparison): boolean {
  return Number.isFinite(row.maxAbsDiff) && row.maxAbsDiff <= GRADIENT_TOLERANCE && row.referenceMaxAbs > 0;
}
