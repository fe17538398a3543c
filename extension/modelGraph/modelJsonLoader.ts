// Reads model.json files on a worker thread (modelJsonWorker.ts), started on first use and kept for the
// next file. No vscode import: tested under mocha.
import { join } from "node:path";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { packageRoot } from "../../protocol/packageRoot";
import type { ModelGraph } from "../../protocol/modelGraphSchema";

export interface ModelJsonRequest {
  id: number;
  path: string;
}

export type ModelJsonReply = { id: number; graph: ModelGraph; error?: undefined } | { id: number; error: string };

export class ModelJsonLoader {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (graph: ModelGraph) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  /** `resourceLimits` caps the reader's JavaScript heap: a model too big for it fails alone, not the extension host. */
  constructor(private readonly resourceLimits: ResourceLimits = { maxOldGenerationSizeMb: 4096 }) {}

  /** The layer graph of a model.json, with its weights' statistics; rejects with a message meant for the user. */
  load(path: string): Promise<ModelGraph> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.started().postMessage({ id, path } satisfies ModelJsonRequest);
    });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.failAll("TF.js Studio is shutting down");
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(join(packageRoot(), "dist", "extension", "modelJsonWorker.js"), { resourceLimits: this.resourceLimits });
    // Idle between files: it must not keep the process alive.
    worker.unref();
    worker.on("message", (reply: ModelJsonReply) => {
      const request = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error === undefined) request?.resolve(reply.graph);
      else request?.reject(new Error(reply.error));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(why);
    };
    worker.on("error", (error) => lost(`the model reader failed: ${error.message}`));
    worker.on("exit", (code) => lost(`the model reader stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private failAll(why: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(why));
    this.pending.clear();
  }
}
