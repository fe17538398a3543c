// Starts the wasm backend with its threaded SIMD build when more than one thread is asked for, and falls back to
// the single-threaded build, saying why, where the threads cannot start. One thread is the single-threaded build
// with no worker at all.
import type { CpuInfo } from "node:os";
import type { Worker } from "node:worker_threads";
import type { Tfjs } from "../tfjsModule";
import type { ThreadRequest } from "./threadCount";
import { missingThreadedFile, pthreadWorkerClass } from "./wasmPthreadWorker";

type WasmModule = Pick<typeof import("@tensorflow/tfjs-backend-wasm"), "setThreadsCount" | "getThreadsCount">;

export interface WasmThreads {
  threads: number;
  /** Why the backend runs fewer threads than asked, when it does. */
  note?: string;
}

/** A pool that has not started by then will not: its workers load in well under a second. */
const START_TIMEOUT_MS = 30_000;

/** `setBackend` initialises tfjs's wasm backend (rejecting with the reason when it does not start). */
export async function startWasm(tf: Tfjs, wasm: WasmModule, wasmDir: string, request: ThreadRequest, setBackend: () => Promise<void>): Promise<WasmThreads> {
  if (request.threads > 1) {
    const unavailable = await startThreaded(tf, wasm, wasmDir, request.threads, setBackend);
    if (unavailable === undefined) return { threads: wasm.getThreadsCount(), note: request.note };
    request = { threads: 1, note: `threads unavailable: ${unavailable}` };
  }
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  await setBackend();
  return request;
}

/** Undefined once the threaded backend runs; else why it cannot, with no worker left behind. */
async function startThreaded(tf: Tfjs, wasm: WasmModule, wasmDir: string, threads: number, setBackend: () => Promise<void>): Promise<string | undefined> {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return "this Node.js has no SharedArrayBuffer or Atomics";
  if (!(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) return "the threaded build needs WebAssembly SIMD, which this Node.js lacks";
  const missing = missingThreadedFile(wasmDir);
  if (missing) return `${missing} is missing`;

  const workers: Worker[] = [];
  let starting = true;
  let fail: (reason: string) => void = () => {};
  const failure = new Promise<string>((resolve) => (fail = resolve));
  const Pthread = pthreadWorkerClass(wasmDir, { failed: (reason) => fail(reason), starting: () => starting, spawned: (worker) => workers.push(worker) });
  const timer = setTimeout(() => fail(`the pool did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
  // tfjs turns threads off in Node (its blob-URL workers cannot start there); these workers can.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(threads);
  // Undone whatever happens to the start: a start that hangs must not leave the process patched.
  const undo = [useWorkerClass(Pthread), showLogicalCores(2 * threads)];
  try {
    const started = setBackend().then(() => undefined, (error: Error) => error.message);
    const unavailable = await Promise.race([started, failure]);
    if (unavailable !== undefined) await Promise.all(workers.map((worker) => worker.terminate()));
    else await releaseIdleWorkers(tf);
    return unavailable;
  } finally {
    for (const restore of undo) restore();
    starting = false;
    clearTimeout(timer);
  }
}

/**
 * Emscripten starts 8 workers whatever the count; XNNPACK's pool has taken the ones it runs on for good by now (it
 * creates no thread later), so the rest would only hold an isolate and a wasm instance each.
 */
async function releaseIdleWorkers(tf: Tfjs): Promise<void> {
  const { PThread } = (tf.backend() as unknown as { wasm: { PThread: { unusedWorkers: Worker[] } } }).wasm;
  await Promise.all(PThread.unusedWorkers.splice(0).map((worker) => worker.terminate()));
}

/**
 * Emscripten's pool takes `Worker` from the global scope (and, in Node, first sets it to worker_threads' Worker, whose
 * blob URL start fails). Only while the backend starts does the global give our class and ignore that assignment;
 * then it holds what emscripten assigned, as it would have without us.
 */
function useWorkerClass(workerClass: unknown): () => void {
  let assigned = (globalThis as { Worker?: unknown }).Worker;
  Object.defineProperty(globalThis, "Worker", { configurable: true, enumerable: false, get: () => workerClass, set: (value: unknown) => void (assigned = value) });
  return () => {
    delete (globalThis as { Worker?: unknown }).Worker;
    if (assigned !== undefined) Object.defineProperty(globalThis, "Worker", { configurable: true, enumerable: false, writable: true, value: assigned });
  };
}

/**
 * tfjs-backend-wasm caps its threads at half the logical CPUs (emscripten_num_logical_cores() / 2, read from
 * os.cpus() when the module starts, in backend.cc: it assumes two hyperthreads a core). The thread count is already
 * ours to choose, so while the module starts it sees enough CPUs for the count asked.
 */
function showLogicalCores(count: number): () => void {
  // The very module object the backend's bundle requires: an ES namespace import would be a copy.
  const os = require("node:os") as { cpus(): CpuInfo[] };
  const cpus = os.cpus;
  const real = cpus();
  if (real.length < count) os.cpus = () => Array.from({ length: count }, (_, i) => real[i % real.length]);
  return () => void (os.cpus = cpus);
}
