// Emscripten fills its pthread pool with 8 workers and waits for each to load the wasm module before the backend
// starts, though XNNPACK runs threads - 1 of them: on a 2-CPU machine those isolates took about 0.5 s of CPU from a
// kernel's first cell. The pool gets stand-ins instead. The ones emscripten will hand out first (it takes the pool's
// last worker first) start their real worker when told to load, as the pool would; the others answer "loaded"
// themselves and start a worker only if emscripten ever gives them work, which then waits for that worker's load.
import type { Worker } from "node:worker_threads";

type Listener = (...args: unknown[]) => void;

interface PoolMessage {
  cmd?: string;
}

/**
 * The constructor emscripten's `new Worker(url)` calls. `startWorker` makes a real pthread worker; `used` is how many
 * threads the pool will run (XNNPACK's threads - 1). One class per pool: it counts the stand-ins made.
 */
export function pthreadStandInClass(startWorker: () => Worker, used: number): new (url: unknown) => Worker {
  const pool: unknown[] = [];
  return class PthreadStandIn {
    // Emscripten makes the whole pool before it sends the first "load": by then `pool` is complete.
    private readonly index = pool.push(this) - 1;
    private real: Worker | undefined;
    private load: { message: unknown; transfer?: readonly unknown[] } | undefined;
    /** The stand-in said "loaded" for its worker: the real worker's own "loaded" must not reach the pool twice. */
    private answeredLoad = false;
    private readonly listeners: [string | symbol, Listener][] = [];

    on(event: string | symbol, listener: Listener): this {
      this.listeners.push([event, listener]);
      if (this.real) this.attach(this.real, event, listener);
      return this;
    }

    postMessage(message: unknown, transfer?: readonly unknown[]): void {
      if (this.real) return this.real.postMessage(message, transfer as never);
      const isLoad = (message as PoolMessage).cmd === "load";
      if (isLoad && this.index < pool.length - used) {
        this.load = { message, transfer };
        this.answeredLoad = true;
        // Loaded as far as the pool can tell; asynchronously, as a worker's answer would come.
        setImmediate(() => this.emit("message", { cmd: "loaded" }));
        return;
      }
      const real = (this.real = startWorker());
      for (const [event, listener] of this.listeners) this.attach(real, event, listener);
      // Listening must not hold the process open (see wasmPthreadWorker.ts), nor must the worker once it has loaded.
      real.unref();
      real.on("message", (data: PoolMessage) => void (data?.cmd === "loaded" && real.unref()));
      if (this.load) real.postMessage(this.load.message, this.load.transfer as never);
      real.postMessage(message, transfer as never);
    }

    // The pool's workers never hold the process open (see wasmPthreadWorker.ts).
    ref(): void {}
    unref(): void {}

    async terminate(): Promise<number | undefined> {
      return this.real?.terminate();
    }

    private attach(real: Worker, event: string | symbol, listener: Listener): void {
      if (event !== "message" || !this.answeredLoad) return void real.on(event, listener);
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
