// Helpers for tests that compare one of our fused wasm paths with tfjs' own code: which kernels a call runs, the
// stock path (the fused kernels unregistered, so that tfjs' code runs), and values compared within a tolerance.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerWasmGradients } from "../../tfjs/backends/wasmGradients";
import { useWasmBackend } from "./wasmBackend";

/** Mocha hooks for the current suite: it runs on wasm (as the kernel starts it) with our kernels, and leaves tfjs on cpu. */
export function onWasmWithOurKernels(): void {
  before(async () => {
    await useWasmBackend();
    registerWasmGradients(tf);
  });
  after(async () => {
    await tf.setBackend("cpu");
  });
}

/** The kernels one call of f runs, by name. */
export async function kernelNames(f: () => unknown): Promise<string[]> {
  const profile = await tf.profile(() => f() as tf.Tensor);
  return profile.kernels.map((kernel) => kernel.name);
}

/** Runs f with the named wasm kernels unregistered: a fused path that needs them falls back to tfjs' code. */
export async function withoutKernels<T>(names: string[], f: () => T | Promise<T>): Promise<T> {
  const configs = names.map((name) => tf.getKernel(name, "wasm"));
  for (const name of names) tf.unregisterKernel(name, "wasm");
  try {
    return await f();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}

/** Within `tolerance` of the expected values, relative to their magnitude (at least 1). */
export function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tolerance: number): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - e[i]) <= tolerance * Math.max(1, Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
  }
  assert.ok(e.some((v) => v !== 0), `${what}: the reference is all zeros`);
}
