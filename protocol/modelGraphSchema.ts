// The payload of `application/vnd.tfjs-studio.model+json`: a tf.LayersModel's layer graph.
// Written by the kernel (kernel/modelDisplay/), read by the VS Code renderer and the graph panel,
// so it is plain JSON and changes only with a new schemaVersion.

export const MODEL_GRAPH_MIME = "application/vnd.tfjs-studio.model+json";
export const MODEL_GRAPH_SCHEMA_VERSION = 1;

/** A tensor shape; `null` marks a dimension unknown until run time (the batch, a sequence length). */
export type Shape = (number | null)[];

/** Any JSON value. Layer configs are reduced to this (functions, NaN, cycles become strings). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ModelGraph {
  /** Bumped on every incompatible change; readers should refuse versions they do not know. */
  schemaVersion: typeof MODEL_GRAPH_SCHEMA_VERSION;
  /** `model.name`, e.g. "sequential_1". */
  name: string;
  /** `model.getClassName()`: "Sequential", "Model" (functional, `tf.model()`), or a custom class. */
  className: string;
  /**
   * False when the model has no graph yet (an empty `tf.sequential()`). Then `nodes` and `edges`
   * are empty and `notBuiltReason` says why, in words meant for the user.
   */
  built: boolean;
  notBuiltReason?: string;
  /**
   * Set when the weights' statistics were left out (`WeightInfo.stats`), in words meant for the user,
   * e.g. because the model is too big to summarise on every display.
   */
  statsSkipped?: string;
  /**
   * The kernel's id of the displayed model, to ask that kernel for the model's current graph
   * (protocol/modelGraphRequest.ts). Absent in graphs of model.json files and in outputs of older kernels.
   */
  modelId?: string;
  /**
   * When the kernel read this graph and its weights' statistics (ISO 8601): the cell's run for a cell output.
   * Absent in graphs of model.json files and in outputs of older kernels.
   */
  readAt?: string;
  /** The model's input tensors, in `model.inputs` order: the input layer's name and the shape it takes. */
  inputs: ModelTensor[];
  /** The model's output tensors, in `model.outputs` order: the layer that produces each, and its shape. */
  outputs: ModelTensor[];
  /** Parameter counts over the model's unique weights (a shared layer counts once). */
  params: ParamCounts;
  /**
   * Every layer of the graph once, inputs first, in `model.layers` order (topological). Includes the
   * InputLayer of a Sequential model, which `model.layers` leaves out. A nested model is one node.
   */
  nodes: LayerNode[];
  /** The tensors that flow between layers, one per input of each call of a layer in this model. */
  edges: LayerEdge[];
}

export interface ModelTensor {
  /** The name of the layer (a node of `nodes`) that takes or produces the tensor. */
  layer: string;
  /** Which call of that layer (a `LayerCall.index`); 0 for inputs. */
  call: number;
  /** Which output of that call, for layers with several (an LSTM returning its states). */
  output: number;
  shape: Shape;
}

export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

export interface LayerNode {
  /** `layer.name`, unique within the model; edges refer to nodes by it. */
  name: string;
  /** `layer.getClassName()`: "Dense", "Conv2D", "InputLayer", "Sequential", ... */
  className: string;
  /** Output shapes of the layer's first call in this model, one per output tensor (most layers have one). */
  outputShapes: Shape[];
  /** Input shapes of that same call, one per input tensor; empty for an InputLayer. */
  inputShapes: Shape[];
  /**
   * Each time the layer is called in this model, in call order. More than one means a shared layer,
   * whose calls may see different shapes.
   */
  calls: LayerCall[];
  /** Number of scalars in the layer's weights (`layer.countParams()`). */
  params: number;
  /** `layer.trainable`: whether training updates its weights. */
  trainable: boolean;
  /** `layer.dtype`, or else its output's dtype, e.g. "float32". */
  dtype: string;
  /** The activation name from the config ("relu", "softmax", ...), when the layer has one. */
  activation?: string;
  /** `layer.getConfig()` made JSON-safe; null for nested models (see `model`) or when it cannot be read. */
  config: { [key: string]: JsonValue } | null;
  /** The layer's weights, without their values. */
  weights: WeightInfo[];
  /** For a model used as a layer: its own graph. */
  model?: ModelGraph;
}

export interface LayerCall {
  /**
   * The call's position in `layer.inboundNodes`: the `[n]` of Keras' "Connected to" notation. Calls
   * made outside this model (a layer shared with another model) are left out, so it may not start at 0.
   */
  index: number;
  inputShapes: Shape[];
  outputShapes: Shape[];
}

export interface LayerEdge {
  /** The producing node's name. */
  from: string;
  /** Which call of `from` produced the tensor (a `LayerCall.index`). */
  fromCall: number;
  /** Which output of that call (0 unless the layer has several outputs). */
  fromOutput: number;
  /** The consuming node's name. */
  to: string;
  /** Which call of `to` takes the tensor (a `LayerCall.index`). */
  toCall: number;
  /** Which input of that call it is, e.g. 1 for the second tensor given to a Concatenate. */
  toInput: number;
  /** The tensor's shape. */
  shape: Shape;
}

export interface WeightInfo {
  /** The name it is saved under, e.g. "dense_Dense1/kernel". */
  name: string;
  shape: number[];
  dtype: string;
  /** Whether training updates it: false for every weight of a frozen layer. */
  trainable: boolean;
  /** Statistics of its values at display (or load) time, when they were computed. */
  stats?: WeightStats;
}

/** A weight's values summarised. Only finite values count in min, max, mean, std and the histogram. */
export interface WeightStats {
  /** Number of values. */
  count: number;
  /** How many of them are NaN or infinite. */
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Fraction (0..1) of all values that are exactly zero. */
  zeros: number;
  /** Counts of equal-width bins from min to max (the last bin includes max); empty when no value is finite. */
  histogram: number[];
}
