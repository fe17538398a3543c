// The rows of a model summary, as model.summary() lists them, shared by the text and HTML views.
import type { LayerNode, ModelGraph, Shape } from "../../protocol/modelGraphSchema";

export interface SummaryRow {
  /** "name (ClassName)". */
  layer: string;
  outputShape: string;
  params: number;
  /** Has weights that training leaves alone. */
  frozen: boolean;
  /** Keras notation `layer[call][output]`, one per input tensor of each call. */
  connectedTo: string[];
}

export interface ModelSummary {
  title: string;
  /** Set when the model has no graph: why, in words meant for the user. */
  notBuilt?: string;
  /** False for a plain chain of layers, where "Connected to" would say nothing new. */
  showConnections: boolean;
  rows: SummaryRow[];
  totals: { label: string; value: number }[];
}

export const SUMMARY_HEADERS = ["Layer (type)", "Output shape", "Param #", "Connected to"] as const;

export function modelSummary(graph: ModelGraph): ModelSummary {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, number>();
  const sorted = [...graph.edges].sort((a, b) => a.toCall - b.toCall || a.toInput - b.toInput);
  for (const edge of sorted) {
    const connections = incoming.get(edge.to) ?? [];
    if (connections.length === 0) incoming.set(edge.to, connections);
    connections.push(`${edge.from}[${edge.fromCall}][${edge.fromOutput}]`);
    outgoing.set(edge.from, (outgoing.get(edge.from) ?? 0) + 1);
  }
  const isChain = graph.nodes.every((node) => node.calls.length <= 1 && (incoming.get(node.name)?.length ?? 0) <= 1 && (outgoing.get(node.name) ?? 0) <= 1);
  return {
    title: `Model: "${graph.name}" (${graph.className})`,
    ...(graph.built ? {} : { notBuilt: graph.notBuiltReason ?? "The model is not built yet." }),
    showConnections: !isChain,
    rows: graph.nodes.map((node) => ({
      layer: `${node.name} (${node.className})`,
      outputShape: outputShapeText(node),
      params: node.params,
      frozen: !node.trainable && node.params > 0,
      connectedTo: incoming.get(node.name) ?? [],
    })),
    totals: [
      { label: "Total params", value: graph.params.total },
      { label: "Trainable params", value: graph.params.trainable },
      { label: "Non-trainable params", value: graph.params.nonTrainable },
    ],
  };
}

/** As tfjs prints it: `[null,10]`, a list for several outputs, "multiple" when calls differ. */
function outputShapeText(node: LayerNode): string {
  const texts = new Set(node.calls.map((call) => shapesText(call.outputShapes)));
  if (texts.size > 1) return "multiple";
  return shapesText(node.outputShapes);
}

function shapesText(shapes: Shape[]): string {
  return JSON.stringify(shapes.length === 1 ? shapes[0] : shapes);
}
