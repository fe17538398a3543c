// The wasm backend of the test process, started as the kernel starts it: single-threaded, or with the threads
// TFJS_STUDIO_THREADS asks for (test/wasmThreads.test.ts runs the wasm suites again that way). A run that asks for
// threads fails rather than pass on a silent fallback to one.
import assert from "node:assert/strict";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import { THREADS_ENV, requestedThreads } from "../../tfjs/backends/threadCount";
import { startWasm } from "../../tfjs/backends/wasmThreads";

let started: Promise<number> | undefined;

/** Sets the wasm backend, started once per process; resolves with its thread count. */
export async function useWasmBackend(): Promise<number> {
  started ??= start();
  const threads = await started;
  assert.ok(await tf.setBackend("wasm"));
  return threads;
}

async function start(): Promise<number> {
  const asked = requestedThreads(process.env[THREADS_ENV] ?? "1");
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  const { threads, note } = await startWasm(tf, wasm, wasmDir, asked, async () => assert.ok(await tf.setBackend("wasm"), "the wasm backend did not start"));
  assert.equal(threads, asked.threads, `wasm runs ${threads} thread(s), not the ${asked.threads} asked: ${note}`);
  return threads;
}
