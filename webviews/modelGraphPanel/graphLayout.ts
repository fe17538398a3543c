// The model graph as elkjs sees it (one box per layer, one edge per distinct producer-consumer pair),
// and elk's answer turned into what the page draws. Pure: runs in the layout worker and under mocha.
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { LayerNode, ModelGraph, Shape } from "../../protocol/modelGraphSchema";
import type { Direction } from "../../protocol/modelGraphPanelMessages";


/** The four lines a layer box shows, in order: class, name, output shape, parameters. */
export function nodeLines(node: LayerNode): [string, string, string, string] {
  return [node.className, node.name, node.outputShapes.map(formatShape).join(" ") || "—", `${node.params.toLocaleString("en-US")} params`];
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((dim) => (dim === null ? "?" : String(dim))).join(",")}]`;
}

/** Box size from the text it holds, estimated (the worker cannot measure text). */
const NODE_HEIGHT = 68;
const CHAR_WIDTH = 7.2;
const NODE_PADDING = 20;
const NODE_MIN_WIDTH = 120;

function nodeWidth(node: LayerNode): number {
  const longest = Math.max(...nodeLines(node).map((line) => line.length));
  return Math.max(NODE_MIN_WIDTH, Math.ceil(longest * CHAR_WIDTH + NODE_PADDING));
}

const BIG_MODEL_LAYERS = 150;

export function elkGraph(graph: ModelGraph, direction: Direction): ElkNode {
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const edge of graph.edges) {
    // A shared layer called twice on the same input would draw the same arrow twice.
    const id = `${edge.from}\u0000${edge.to}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id: `e${edges.length}`, sources: [edge.from], targets: [edge.to] });
  }
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction,
      "elk.edgeRouting": "POLYLINE",
      "elk.spacing.nodeNode": "24",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.layered.spacing.edgeNodeBetweenLayers": "16",
      "elk.padding": "[top=20,left=20,bottom=20,right=20]",
      // Fewer crossing-minimisation passes on big models: about 2x faster at 500 layers, same drawing on chains.
      "elk.layered.thoroughness": graph.nodes.length > BIG_MODEL_LAYERS ? "1" : "7",
    },
    children: graph.nodes.map((node) => ({ id: node.name, width: nodeWidth(node), height: NODE_HEIGHT })),
    edges,
  };
}

export interface PlacedNode {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** The polyline from the producer's border to the consumer's. */
  points: [number, number][];
}

export interface GraphLayout {
  direction: Direction;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Milliseconds elk took, reported in the page's status line. */
  elapsedMs: number;
}

export function placedLayout(laidOut: ElkNode, direction: Direction, elapsedMs: number): GraphLayout {
  const nodes = (laidOut.children ?? []).map((child) => ({ name: child.id, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 }));
  const edges = ((laidOut.edges ?? [])).map((edge): PlacedEdge => {
    const points: [number, number][] = [];
    for (const section of edge.sections ?? []) {
      points.push([section.startPoint.x, section.startPoint.y]);
      for (const bend of section.bendPoints ?? []) points.push([bend.x, bend.y]);
      points.push([section.endPoint.x, section.endPoint.y]);
    }
    return { from: edge.sources[0], to: edge.targets[0], points };
  });
  return { direction, width: laidOut.width ?? 0, height: laidOut.height ?? 0, nodes, edges, elapsedMs };
}
