// What the panel page and its layout worker say to each other.
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { Direction, GraphLayout } from "./graphLayout";

export interface LayoutRequest {
  id: number;
  graph: ModelGraph;
  direction: Direction;
}

export type LayoutReply = { id: number; layout: GraphLayout } | { id: number; error: string };
