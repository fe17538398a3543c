// Recognises a tf.LayersModel (Sequential, functional or a subclass) by its members, without loading tfjs: whichever
// copy of tfjs made it (cells may load their own before the kernel's is ready, a model server has its own).
import type { LayersModel } from "@tensorflow/tfjs";

export type Layer = LayersModel["layers"][number];
export type LayerCallNode = Layer["inboundNodes"][number];

export function isLayersModel(value: unknown): value is LayersModel {
  if (typeof value !== "object" || value === null) return false;
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
