// Lays out the model graph with elkjs off the page's thread, so a 500-layer model never blocks
// scrolling or typing. elk's bundled build runs its engine in this same worker.
import ELK from "elkjs/lib/elk.bundled.js";
import { elkGraph, placedLayout } from "./graphLayout";
import type { LayoutReply, LayoutRequest } from "./layoutMessages";

const elk = new ELK();
const scope = self as unknown as { onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null; postMessage(reply: LayoutReply): void };

scope.onmessage = async ({ data: { id, graph, direction } }) => {
  const start = performance.now();
  try {
    const laidOut = await elk.layout(elkGraph(graph, direction));
    scope.postMessage({ id, layout: placedLayout(laidOut, direction, performance.now() - start) });
  } catch (error) {
    scope.postMessage({ id, error: (error as Error)?.message ?? String(error) });
  }
};
