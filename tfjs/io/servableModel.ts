// A saved model (layers or graph) loaded from its folder with its signature: the names, shapes and dtypes of what
// it takes and gives. `tfjs-studio package` reads the signature into serving.json; the model server predicts with it.
import type { GraphModel, LayersModel, Tensor, io } from "@tensorflow/tfjs";
import type { ServingDType, TensorSignature } from "../../protocol/servingManifest";
import type { Tfjs } from "../tfjsModule";
import { fileSystemHandler } from "./fileSystemIO";

export interface ServableModel {
  format: "layers-model" | "graph-model";
  model: LayersModel | GraphModel;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** The layer class of a layers model's first layer after its input (e.g. "Embedding"), for packaging's checks. */
  firstLayerClass?: string;
}

/** Loads dir/model.json and its weights; the error says what is wrong with which file. */
export async function loadServableModel(tf: Tfjs, dir: string): Promise<ServableModel> {
  const handler = fileSystemHandler(tf, dir);
  const artifacts = await handler.load!();
  const format = isGraphModel(artifacts) ? "graph-model" : "layers-model";
  const fromArtifacts: io.IOHandler = { load: () => Promise.resolve(artifacts) };
  if (format === "graph-model") {
    const model = await tf.loadGraphModel(fromArtifacts);
    return {
      format,
      model,
      inputs: model.inputs.map((input) => signature(input.name, input.shape, input.dtype)),
      outputs: model.outputs.map((output) => signature(output.name, output.shape, output.dtype)),
    };
  }
  const model = await tf.loadLayersModel(fromArtifacts);
  const first = model.layers.find((layer) => layer.getClassName() !== "InputLayer");
  return {
    format,
    model,
    inputs: model.inputs.map((input) => signature(input.name, input.shape, input.dtype)),
    outputs: model.outputs.map((output) => signature(output.name, output.shape, output.dtype)),
    firstLayerClass: first?.getClassName(),
  };
}

/** Runs the model on named input tensors; the outputs in the signature's order. */
export function predictOutputs(servable: ServableModel, inputs: Tensor[]): Tensor[] {
  const { model } = servable;
  const result = servable.format === "graph-model" ? (model as GraphModel).execute(inputs.length === 1 ? inputs[0] : inputs) : (model as LayersModel).predict(inputs.length === 1 ? inputs[0] : inputs);
  return Array.isArray(result) ? result : [result];
}

/** A converted TensorFlow model (model.json's format "graph-model", or a topology of nodes). */
function isGraphModel(artifacts: io.ModelArtifacts): boolean {
  if (artifacts.format === "graph-model") return true;
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  return artifacts.format !== "layers-model" && Array.isArray(topology?.node);
}

function signature(name: string, shape: readonly (number | null | undefined)[] | undefined, dtype: string | undefined): TensorSignature {
  return { name, shape: (shape ?? []).map((size) => (typeof size === "number" && size >= 0 ? size : null)), dtype: servingDType(dtype) };
}

/** tfjs's dtypes as requests give them; complex64 and unknown ones are carried as float32. */
function servingDType(dtype: string | undefined): ServingDType {
  return dtype === "int32" || dtype === "bool" || dtype === "string" ? dtype : "float32";
}
