// What the panel page and its layout worker say to each other.
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { GraphLayout } from "./graphLayout";
import type { Direction } from "../../protocol/modelGraphPanelMessages";

export interface LayoutRequest {
  id: number;
  graph: ModelGraph;
  direction: Direction;
}

export type LayoutReply = { id: number; layout: GraphLayout } | { id: number; error: string };
