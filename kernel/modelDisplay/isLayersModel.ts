// Recognises a tf.LayersModel (Sequential, functional or a subclass) without loading tfjs, and
// whichever copy of tfjs made it: cells may load tfjs before the shared instance is ready.
import type { LayersModel } from "@tensorflow/tfjs";
import { sharedTfjs } from "../tfjs/sharedTfjs";

export type Layer = LayersModel["layers"][number];
export type LayerCallNode = Layer["inboundNodes"][number];

export function isLayersModel(value: unknown): value is LayersModel {
  if (typeof value !== "object" || value === null) return false;
  const tf = sharedTfjs();
  if (tf && value instanceof tf.LayersModel) return true;
  // The members the graph reads, which plain layers and tf.GraphModel lack.
  const model = value as Partial<Record<keyof LayersModel, unknown>>;
  return (
    Array.isArray(model.layers) &&
    Array.isArray(model.inputs) &&
    Array.isArray(model.outputs) &&
    Array.isArray(model.inboundNodes) &&
    typeof model.getClassName === "function" &&
    typeof model.countParams === "function" &&
    typeof model.getConfig === "function" &&
    typeof model.predict === "function"
  );
}
