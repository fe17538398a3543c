// A compact top-down drawing of a model's first layers for a cell output: each layer one row below
// the deepest layer it reads from, side by side within a row. No layout engine: small and instant.
import type { LayerNode, ModelGraph } from "../../protocol/modelGraphSchema";

const COMPACT_MAX_LAYERS = 16;
export const BOX_WIDTH = 220;
export const BOX_HEIGHT = 36;
const GAP_X = 14;
const GAP_Y = 18;
const MARGIN = 4;

export interface CompactBox {
  node: LayerNode;
  x: number;
  y: number;
}

export interface CompactLink {
  from: string;
  to: string;
  /** From the bottom centre of `from` to the top centre of `to`. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface CompactLayout {
  boxes: CompactBox[];
  links: CompactLink[];
  width: number;
  height: number;
  /** Layers left out after the first `maxLayers`. */
  hidden: number;
}

export function compactGraphLayout(graph: ModelGraph, maxLayers = COMPACT_MAX_LAYERS): CompactLayout {
  // graph.nodes is topological: every layer comes after the layers it reads from.
  const shown = graph.nodes.slice(0, maxLayers);
  const names = new Set(shown.map((node) => node.name));
  const links = graph.edges.filter((edge) => names.has(edge.from) && names.has(edge.to) && edge.from !== edge.to);
  const row = new Map<string, number>();
  for (const node of shown) {
    const inputs = links.filter((edge) => edge.to === node.name).map((edge) => row.get(edge.from) ?? 0);
    row.set(node.name, inputs.length === 0 ? 0 : Math.max(...inputs) + 1);
  }
  const rows: LayerNode[][] = [];
  for (const node of shown) (rows[row.get(node.name)!] ??= []).push(node);
  const widest = Math.max(0, ...rows.map((nodes) => nodes.length));
  const width = MARGIN * 2 + widest * BOX_WIDTH + Math.max(0, widest - 1) * GAP_X;
  const boxes: CompactBox[] = [];
  const at = new Map<string, CompactBox>();
  rows.forEach((nodes, r) => {
    const rowWidth = nodes.length * BOX_WIDTH + (nodes.length - 1) * GAP_X;
    nodes.forEach((node, c) => {
      const box = { node, x: (width - rowWidth) / 2 + c * (BOX_WIDTH + GAP_X), y: MARGIN + r * (BOX_HEIGHT + GAP_Y) };
      boxes.push(box);
      at.set(node.name, box);
    });
  });
  const seen = new Set<string>();
  const compactLinks: CompactLink[] = [];
  for (const edge of links) {
    const key = `${edge.from}\u0000${edge.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const from = at.get(edge.from)!;
    const to = at.get(edge.to)!;
    compactLinks.push({ from: edge.from, to: edge.to, x1: from.x + BOX_WIDTH / 2, y1: from.y + BOX_HEIGHT, x2: to.x + BOX_WIDTH / 2, y2: to.y });
  }
  const height = MARGIN * 2 + rows.length * BOX_HEIGHT + Math.max(0, rows.length - 1) * GAP_Y;
  return { boxes, links: compactLinks, width, height, hidden: graph.nodes.length - shown.length };
}
