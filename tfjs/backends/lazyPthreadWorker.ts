// Emscripten fills its pthread pool with 8 workers and waits for each to load the wasm module before the backend
// starts, though XNNPACK runs threads - 1 of them: on a 2-CPU machine those isolates took about 0.5 s of CPU from a
// kernel's first cell. A stand-in answers the pool's "load" at once and starts its real worker (posting it that
// "load", then what came after) only when emscripten first gives it work; a stand-in never used costs nothing.
import type { Worker } from "node:worker_threads";

type Listener = (...args: unknown[]) => void;

interface PoolMessage {
  cmd?: string;
}

/** The constructor emscripten's `new Worker(url)` calls: a stand-in that starts a `startWorker()` worker on demand. */
export function lazyPthreadWorkerClass(startWorker: () => Worker): new (url: unknown) => Worker {
  return class LazyPthreadWorker {
    private real: Worker | undefined;
    private load: { message: unknown; transfer?: readonly unknown[] } | undefined;
    private readonly listeners: [string | symbol, Listener][] = [];

    on(event: string | symbol, listener: Listener): this {
      this.listeners.push([event, listener]);
      if (this.real) this.attach(this.real, event, listener);
      return this;
    }

    postMessage(message: unknown, transfer?: readonly unknown[]): void {
      if (this.real) return this.real.postMessage(message, transfer as never);
      if ((message as PoolMessage).cmd === "load") {
        this.load = { message, transfer };
        // Loaded as far as the pool can tell; asynchronously, as a worker's answer would come.
        setImmediate(() => this.emit("message", { cmd: "loaded" }));
        return;
      }
      const real = (this.real = startWorker());
      // As emscripten does when a worker has loaded (its port is referenced again by then): this one loads now.
      real.on("message", (data: PoolMessage) => void (data?.cmd === "loaded" && real.unref()));
      for (const [event, listener] of this.listeners) this.attach(real, event, listener);
      if (this.load) real.postMessage(this.load.message, this.load.transfer as never);
      real.postMessage(message, transfer as never);
    }

    // The pool's workers never hold the process open (see wasmPthreadWorker.ts).
    ref(): void {}
    unref(): void {}

    async terminate(): Promise<number | undefined> {
      return this.real?.terminate();
    }

    /** The real worker's own "loaded" was answered already: the pool must not count the worker twice. */
    private attach(real: Worker, event: string | symbol, listener: Listener): void {
      if (event !== "message") return void real.on(event, listener);
      let loaded = false;
      real.on("message", (data: PoolMessage) => {
        if (!loaded && data?.cmd === "loaded") return void (loaded = true);
        listener(data);
      });
    }

    private emit(event: string, data: unknown): void {
      for (const [name, listener] of this.listeners) if (name === event) listener(data);
    }
  } as unknown as new (url: unknown) => Worker;
}
