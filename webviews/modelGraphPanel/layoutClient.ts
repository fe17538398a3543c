// Runs layouts in the layout worker. A webview cannot start a worker from its vscode-resource URL
// (another origin), so the worker's script is fetched and started from a blob: URL.
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { GraphLayout } from "./graphLayout";
import type { Direction } from "../../protocol/modelGraphPanelMessages";
import type { LayoutReply, LayoutRequest } from "./layoutMessages";

export class LayoutClient {
  private worker: Promise<Worker> | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (layout: GraphLayout) => void; reject: (error: Error) => void }>();

  async layout(graph: ModelGraph, direction: Direction): Promise<GraphLayout> {
    const worker = await this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, graph, direction } satisfies LayoutRequest);
    });
  }

  /** Starts the worker (fetch, parse, elk's set-up) ahead of the first layout; a failure shows on that layout. */
  start(): Promise<Worker> {
    this.worker ??= (async () => {
      const response = await fetch(new URL("layoutWorker.js", import.meta.url));
      if (!response.ok) throw new Error(`the layout worker could not be loaded (HTTP ${response.status})`);
      const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/javascript" }));
      const worker = new Worker(url);
      worker.onmessage = ({ data }: MessageEvent<LayoutReply>) => {
        const waiting = this.pending.get(data.id);
        this.pending.delete(data.id);
        if ("layout" in data) waiting?.resolve(data.layout);
        else waiting?.reject(new Error(data.error));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        for (const waiting of this.pending.values()) waiting.reject(new Error(event.message || "the layout worker failed"));
        this.pending.clear();
      };
      return worker;
    })().catch((error) => {
      this.worker = undefined;
      throw error;
    });
    return this.worker;
  }
}
