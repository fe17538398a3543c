// Reads a tf.LayersModel's layer graph from its functional topology: each layer's inbound nodes
// (one per call) say which layer outputs it was called on. Only calls that belong to this model
// are kept, found by walking back from the model's outputs, so layers shared with other models
// show only their calls here.
import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs";
import { isLayersModel, type Layer, type LayerCallNode } from "./isLayersModel";
import { jsonSafe } from "./jsonSafe";
import {
  MODEL_GRAPH_SCHEMA_VERSION,
  type LayerCall,
  type LayerEdge,
  type LayerNode,
  type ModelGraph,
  type ModelTensor,
  type Shape,
  type WeightInfo,
} from "../../protocol/modelGraphSchema";
import { weightStats } from "./weightStats";

/**
 * The statistics cap when a user asked for them once (a model.json opened, a graph panel refreshed): reading the
 * weights may take a second there, which would be too slow on every display of a model.
 */
export const ON_REQUEST_STATS_MAX_PARAMS = 50_000_000;

export interface ModelGraphOptions {
  /**
   * Adds each weight's statistics (`WeightInfo.stats`) when the model has at most this many
   * parameters; above it `statsSkipped` says why they are missing. Left out: no statistics.
   */
  statsMaxParams?: number;
}

/** A layer's output tensor, named as Keras does: `layer[call][output]`. */
interface TensorSource {
  layer: Layer;
  call: number;
  output: number;
}

export function modelGraph(model: LayersModel, options: ModelGraphOptions = {}): ModelGraph {
  const trainable = countParams(model.trainableWeights);
  const nonTrainable = countParams(model.nonTrainableWeights);
  const header: Pick<ModelGraph, "schemaVersion" | "name" | "className" | "params"> = {
    schemaVersion: MODEL_GRAPH_SCHEMA_VERSION,
    name: model.name,
    className: model.getClassName(),
    params: { total: trainable + nonTrainable, trainable, nonTrainable },
  };
  if (model.outputs.length === 0) {
    const notBuiltReason = `${header.className} model "${model.name}" has no layers yet, so it has no graph. Add layers (the first with an inputShape) to build it.`;
    return { ...header, built: false, notBuiltReason, inputs: [], outputs: [], nodes: [], edges: [] };
  }
  const topology = new Topology(model);
  const outputs = model.outputs.map((tensor) => topology.source(tensor));
  for (const output of outputs) topology.visit(output.layer, output.call);
  const nodes = topology.orderedLayers().map((layer) => layerNode(layer, topology.callsOf(layer)));
  const statsSkipped = options.statsMaxParams === undefined ? undefined : addWeightStats(model, nodes, options.statsMaxParams);
  return {
    ...header,
    built: true,
    ...(statsSkipped ? { statsSkipped } : {}),
    inputs: model.inputs.map((tensor) => ({ layer: tensor.sourceLayer.name, call: tensor.nodeIndex, output: tensor.tensorIndex, shape: [...tensor.shape] })),
    outputs: outputs.map((output, i): ModelTensor => ({ layer: output.layer.name, call: output.call, output: output.output, shape: [...model.outputs[i].shape] })),
    nodes,
    edges: topology.edges,
  };
}

class Topology {
  readonly edges: LayerEdge[] = [];
  /** Each layer's calls that belong to this model; a call is recorded once everything upstream of it is. */
  private readonly calls = new Map<Layer, Set<number>>();
  /** Post-order of the walk from the outputs: every layer after the layers it reads from. */
  private readonly postOrder: Layer[] = [];
  private readonly ownLayers: Set<Layer>;
  private nestedOwners: Map<Layer, Layer> | undefined;

  constructor(private readonly model: LayersModel) {
    this.ownLayers = new Set([...model.layers, ...model.inputs.map((tensor) => tensor.sourceLayer)]);
  }

  /** Walks back from one call of a layer, recording it, its inbound edges and everything upstream. */
  visit(root: Layer, rootCall: number): void {
    // Iterative, so a 1000-layer chain cannot overflow the stack.
    const stack: { layer: Layer; call: number; expanded: boolean }[] = [{ layer: root, call: rootCall, expanded: false }];
    while (stack.length > 0) {
      const entry = stack[stack.length - 1];
      const { layer, call } = entry;
      if (entry.expanded) {
        stack.pop();
        if (!this.calls.has(layer)) this.postOrder.push(layer);
        this.callSet(layer).add(call);
        continue;
      }
      entry.expanded = true;
      if (this.calls.get(layer)?.has(call)) {
        stack.pop();
        continue;
      }
      const node = layer.inboundNodes[call];
      this.inboundSources(layer, node).forEach((source, toInput) => {
        this.edges.push({
          from: source.layer.name,
          fromCall: source.call,
          fromOutput: source.output,
          to: layer.name,
          toCall: call,
          toInput,
          shape: [...(node.inputTensors[toInput]?.shape ?? [])],
        });
        if (!this.calls.get(source.layer)?.has(source.call)) stack.push({ layer: source.layer, call: source.call, expanded: false });
      });
    }
  }

  callsOf(layer: Layer): LayerCall[] {
    return [...this.callSet(layer)]
      .sort((a, b) => a - b)
      .map((index) => {
        const node = layer.inboundNodes[index];
        return { index, inputShapes: shapesOf(node.inputTensors, layer), outputShapes: shapesOf(node.outputTensors) };
      });
  }

  /** `model.layers` order (what model.summary() shows); layers it lacks, like a Sequential's input, first. */
  orderedLayers(): Layer[] {
    const position = new Map(this.model.layers.map((layer, i) => [layer, i]));
    return [...this.postOrder].sort((a, b) => (position.get(a) ?? -1) - (position.get(b) ?? -1));
  }

  /** Where a symbolic tensor comes from, as a layer of this model. */
  source(tensor: SymbolicTensor): TensorSource {
    return this.asOwnLayer({ layer: tensor.sourceLayer, call: tensor.nodeIndex, output: tensor.tensorIndex });
  }

  private callSet(layer: Layer): Set<number> {
    let set = this.calls.get(layer);
    if (!set) this.calls.set(layer, (set = new Set()));
    return set;
  }

  private inboundSources(layer: Layer, node: LayerCallNode): TensorSource[] {
    // A Sequential model added first to another Sequential is not called: the outer model takes over
    // its tensors, and its own node has input tensors but no inbound layers.
    if (node.inboundLayers.length === 0 && isLayersModel(layer)) {
      return node.inputTensors.filter((tensor) => tensor.sourceLayer !== layer).map((tensor) => this.source(tensor));
    }
    return node.inboundLayers.map((inbound, i) =>
      this.asOwnLayer({ layer: inbound, call: node.nodeIndices[i], output: node.tensorIndices[i] }),
    );
  }

  /**
   * A tensor made inside a nested model that this model took over (see above) is shown as coming
   * from the nested model, so the graph matches `model.layers` instead of flattening it.
   */
  private asOwnLayer(source: TensorSource): TensorSource {
    if (this.ownLayers.has(source.layer)) return source;
    const owner = this.ownerOf(source.layer);
    if (!owner) return source;
    const producing = source.layer.inboundNodes[source.call];
    const call = owner.inboundNodes.findIndex((node) => node.outputTensors.some((tensor) => producing?.outputTensors.includes(tensor)));
    if (call < 0) return source;
    const output = owner.inboundNodes[call].outputTensors.findIndex(
      (tensor) => tensor.sourceLayer === source.layer && tensor.nodeIndex === source.call && tensor.tensorIndex === source.output,
    );
    return { layer: owner, call, output: Math.max(output, 0) };
  }

  private ownerOf(layer: Layer): Layer | undefined {
    if (!this.nestedOwners) {
      this.nestedOwners = new Map();
      for (const own of this.model.layers) {
        if (isLayersModel(own)) for (const inner of innerLayers(own)) this.nestedOwners.set(inner, own);
      }
    }
    return this.nestedOwners.get(layer);
  }
}

/** Every layer inside a model, through nested models, its inputs included. */
function innerLayers(model: LayersModel): Layer[] {
  const inner: Layer[] = model.inputs.map((tensor) => tensor.sourceLayer);
  for (const layer of model.layers) {
    inner.push(layer);
    if (isLayersModel(layer)) inner.push(...innerLayers(layer));
  }
  return inner;
}

function layerNode(layer: Layer, calls: LayerCall[]): LayerNode {
  const nested = isLayersModel(layer) ? layer : undefined;
  const config = nested ? null : layerConfig(layer);
  const activation = config?.activation;
  // A weight's own flag stays set when its layer is frozen; the layer's list says what trains.
  const trainableWeights = new Set(layer.trainableWeights);
  return {
    name: layer.name,
    className: layer.getClassName(),
    outputShapes: calls[0]?.outputShapes ?? [],
    inputShapes: calls[0]?.inputShapes ?? [],
    calls,
    params: countParams(layer.weights),
    trainable: layer.trainable,
    // Only layers given an input shape set their dtype; the others pass on what they are given.
    dtype: layer.dtype ?? layer.inboundNodes[calls[0]?.index]?.outputTensors[0]?.dtype ?? "float32",
    ...(typeof activation === "string" ? { activation } : {}),
    config,
    weights: layer.weights.map((weight): WeightInfo => ({
      name: weight.originalName ?? weight.name,
      // A variable's shape is always concrete.
      shape: [...weight.shape] as number[],
      dtype: weight.dtype,
      trainable: trainableWeights.has(weight),
    })),
    ...(nested ? { model: modelGraph(nested) } : {}),
  };
}

/** Fills in `stats` of every node's weights from their values; returns why not, when it does not. */
function addWeightStats(model: LayersModel, nodes: LayerNode[], maxParams: number): string | undefined {
  const total = model.countParams();
  if (total > maxParams) {
    return `Weight statistics are left out: the model has ${total.toLocaleString("en-US")} parameters, more than the ${maxParams.toLocaleString("en-US")} summarised on display.`;
  }
  const layers = new Map(model.layers.map((layer) => [layer.name, layer]));
  try {
    for (const node of nodes) {
      const weights = layers.get(node.name)?.weights ?? [];
      // layer.weights and node.weights are the same list in the same order (see layerNode).
      node.weights.forEach((info, i) => {
        if (weights[i]) info.stats = weightStats(weights[i].read().dataSync());
      });
    }
  } catch (error) {
    for (const node of nodes) for (const info of node.weights) delete info.stats;
    return `Weight statistics could not be read: ${(error as Error)?.message ?? error}`;
  }
  return undefined;
}

function layerConfig(layer: Layer): LayerNode["config"] {
  try {
    const config = jsonSafe(layer.getConfig());
    return typeof config === "object" && config !== null && !Array.isArray(config) ? config : null;
  } catch {
    return null;
  }
}

/** An InputLayer's call lists its own output as its input; it has no inputs to show. */
function shapesOf(tensors: SymbolicTensor[], consumer?: Layer): Shape[] {
  return tensors.filter((tensor) => tensor.sourceLayer !== consumer).map((tensor) => [...tensor.shape]);
}

function countParams(weights: { shape: Shape }[]): number {
  return weights.reduce((sum, weight) => sum + weight.shape.reduce((size: number, dim) => size * (dim ?? 0), 1), 0);
}
