// The threaded wasm build's pthread workers, in Node. Emscripten's loader already drives a worker_threads Worker by
// its Node API (on("message"), postMessage, ref/unref, terminate), and the worker script it ships sets up self,
// postMessage, onmessage and importScripts over parentPort itself. What fails in Node is only how tfjs-backend-wasm
// hands both scripts over: the worker script and the module factory as Blob URLs, which a Worker cannot start from
// nor importScripts read. This Worker runs the same worker script from its source, and makes its importScripts load
// the same factory from its file.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

/** What the threaded build needs beside the backend's own bundle, in the package's wasm-out folder. */
export function threadedBuildFiles(wasmDir: string): { script: string; factory: string } {
  const wasmOut = path.join(wasmDir, "wasm-out");
  return { script: path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.worker.js"), factory: path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.js") };
}

export function missingThreadedFile(wasmDir: string): string | undefined {
  return Object.values(threadedBuildFiles(wasmDir)).find((file) => !existsSync(file));
}

export interface PoolWatch {
  /** A worker that failed or exited before the pool was started: the start cannot complete. */
  failed(reason: string): void;
  /** Whether the pool is still starting: until then a worker's error is the start's failure, not the process's. */
  starting(): boolean;
  spawned(worker: Worker): void;
}

/** The Worker class for emscripten's `new Worker(url)`, which ignores the Blob URL it is given. */
export function pthreadWorkerClass(wasmDir: string, watch: PoolWatch): new (url: unknown) => Worker {
  const { script, factory } = threadedBuildFiles(wasmDir);
  const { wasmWorkerContents } = require(script) as { wasmWorkerContents: string };
  // As tfjs does before making its Blob: the contents hold newlines that belong inside string literals.
  const source = `${wasmWorkerContents.replace(/\n/g, "\\n")}
;globalThis.importScripts = () => { globalThis.WasmBackendModuleThreadedSimd = require(${JSON.stringify(factory)}); };`;

  return class PthreadWorker extends Worker {
    constructor() {
      super(source, { eval: true, name: "tfjs-wasm-pthread" });
      // The pool serves the main thread, whose calls into wasm wait for it: it never has work of its own to keep the
      // process alive for. Emscripten refs a worker while it runs a pthread, and XNNPACK's threads run for ever.
      this.unref();
      this.once("exit", (code) => {
        if (watch.starting()) watch.failed(`a pthread worker exited with code ${code} while the pool started`);
      });
      watch.spawned(this);
    }

    override ref(): void {}

    // Emscripten rethrows a worker's error on the main thread; while starting, it fails the start instead.
    // The base class's own listener type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override on(event: string | symbol, listener: (...args: any[]) => void): this {
      if (event !== "error") return super.on(event, listener);
      return super.on(event, (error: Error) => (watch.starting() ? watch.failed(`a pthread worker failed: ${error.message}`) : listener(error)));
    }
  };
}
