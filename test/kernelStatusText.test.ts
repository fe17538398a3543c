import assert from "node:assert/strict";
import { backendLabel, kernelInfoText, statusBarText } from "../extension/statusBar/kernelStatusText";
import type { KernelState } from "../extension/kernel/sessionTypes";

function info(tfjs: Record<string, unknown>): Record<string, unknown> {
  return {
    implementation: "tfjs-studio",
    implementation_version: "0.1.0",
    protocol_version: "5.3",
    banner: "TF.js Studio 0.1.0: TypeScript 6.0.3 on Node.js v20.19.0\nTensorFlow.js 4.22.0 on wasm (SIMD, 1 thread)",
    language_info: { name: "typescript", version: "6.0.3" },
    tfjs: { status: "ready", devices: [], skipped: [], forced: null, error: null, ...tfjs },
  };
}

const wasm = info({ backend: "wasm", tfjs_backend: "wasm", description: "wasm (SIMD, 1 thread)", version: "4.22.0", devices: ["Intel Xeon, 1 thread"], threads: 1, threads_note: null });
const gpu = info({ backend: "gpu", tfjs_backend: "tensorflow", description: "GPU: NVIDIA A100 (@tensorflow/tfjs-node-gpu)", devices: ["GPU: NVIDIA A100", "GPU: NVIDIA T4"] });

describe("kernel status bar text", () => {
  it("names the backend as a user knows it", () => {
    assert.equal(backendLabel(wasm), "wasm, 1 thread");
    assert.equal(backendLabel(info({ backend: "wasm", threads: 4, threads_note: null })), "wasm, 4 threads");
    assert.equal(backendLabel(info({ backend: "wasm" })), "wasm", "a kernel that does not count threads");
    assert.equal(backendLabel(gpu), "GPU: NVIDIA A100");
    assert.equal(backendLabel(info({ backend: "node", description: "CPU (@tensorflow/tfjs-node)" })), "CPU (tfjs-node)");
    assert.equal(backendLabel(info({ backend: "node", description: "CPU (@tensorflow/tfjs-node-gpu without a CUDA device)" })), "CPU (tfjs-node-gpu)");
    assert.equal(backendLabel(info({ backend: "cpu", description: "cpu (plain JavaScript, 1 thread)" })), "cpu");
    assert.equal(backendLabel(info({ backend: "gpu", devices: [] })), "GPU");
    assert.equal(backendLabel(info({ backend: "webgpu", description: "GPU: NVIDIA H200 (WebGPU)", devices: ["GPU: NVIDIA H200"] })), "GPU: NVIDIA H200 (WebGPU)");
    assert.equal(backendLabel(info({ status: "failed", backend: null, error: "no tfjs" })), "TF.js unavailable");
    assert.equal(backendLabel(info({ status: "loading", backend: null })), "loading TF.js…");
    assert.equal(backendLabel(undefined), undefined);
    assert.equal(backendLabel({ implementation: "other" }), undefined);
  });

  it("shows the state with a spinner while busy or starting, and the backend", () => {
    const text = (state: KernelState, kernelInfo = wasm) => statusBarText({ state, kernelInfo, runtimeDescription: undefined }).text;
    assert.equal(text("idle"), "$(circle-large-outline) TF.js idle · wasm, 1 thread");
    assert.equal(text("busy"), "$(loading~spin) TF.js busy · wasm, 1 thread");
    assert.equal(text("busy", gpu), "$(loading~spin) TF.js busy · GPU: NVIDIA A100");
    assert.equal(statusBarText({ state: "starting", kernelInfo: undefined, runtimeDescription: undefined }).text, "$(sync~spin) TF.js starting…");
    // Until the new kernel answers: the old kernel's backend is no news.
    assert.equal(text("restarting"), "$(sync~spin) TF.js restarting…");
    assert.equal(text("dead"), "$(error) TF.js dead");
  });

  it("marks a dead kernel as an error and says what a click does", () => {
    assert.equal(statusBarText({ state: "dead", kernelInfo: wasm, runtimeDescription: undefined }).error, true);
    const idle = statusBarText({ state: "idle", kernelInfo: wasm, runtimeDescription: undefined });
    assert.equal(idle.error, false);
    assert.match(idle.tooltip, /Backend: wasm \(SIMD, 1 thread\)/);
    assert.match(idle.tooltip, /Click for kernel info/);
  });

  it("warns when wasm runs fewer threads than asked, and the tooltip says why", () => {
    const description = "wasm (SIMD, 1 thread; threads unavailable: this Node.js has no SharedArrayBuffer or Atomics)";
    const fallback = info({ backend: "wasm", description, threads: 1, threads_note: "threads unavailable: this Node.js has no SharedArrayBuffer or Atomics" });
    const idle = statusBarText({ state: "idle", kernelInfo: fallback, runtimeDescription: undefined });
    assert.equal(idle.text, "$(circle-large-outline) TF.js idle · wasm, 1 thread $(warning)");
    assert.ok(idle.tooltip.includes(`Backend: ${description}`), idle.tooltip);
  });
});

describe("kernel info text", () => {
  it("lists implementation, backend, devices, skipped backends and the Node runtime with its reason", () => {
    const kernelInfo = info({
      backend: "wasm",
      tfjs_backend: "wasm",
      description: "wasm (SIMD, 1 thread)",
      version: "4.22.0",
      devices: ["Intel Xeon, 1 thread"],
      skipped: [{ backend: "node", reason: "@tensorflow/tfjs-node is not installed" }],
    });
    const { title, detail } = kernelInfoText({ state: "idle", kernelInfo, runtimeDescription: "/usr/bin/node v20.19.0 (node on PATH)" });
    assert.equal(title, "tfjs-studio 0.1.0: idle");
    const lines = detail.split("\n");
    for (const line of [
      `Backend: wasm (SIMD, 1 thread) (tf.getBackend() is "wasm")`,
      "TensorFlow.js: 4.22.0",
      "Device: Intel Xeon, 1 thread",
      "Chosen by: automatic (setting tfjsStudio.backend)",
      "Skipped node: @tensorflow/tfjs-node is not installed",
      "Language: typescript 6.0.3",
      "Jupyter protocol: 5.3",
      "Node.js runtime: /usr/bin/node v20.19.0 (node on PATH)",
    ]) {
      assert.ok(lines.includes(line), `missing ${JSON.stringify(line)} in:\n${detail}`);
    }
    // The banner (for Jupyter consoles) would say the version and the backend a second time.
    assert.equal(detail.match(/4\.22\.0/g)?.length, 1, detail);
    assert.equal(detail.match(/wasm \(SIMD, 1 thread\)/g)?.length, 1, detail);
  });

  it("names a forced backend and a TF.js failure", () => {
    const { detail } = kernelInfoText({ state: "idle", kernelInfo: info({ status: "failed", backend: null, forced: "gpu", error: "libcudart.so.11.0 not found" }), runtimeDescription: undefined });
    assert.match(detail, /Chosen by: TFJS_STUDIO_BACKEND=gpu/);
    assert.match(detail, /TensorFlow.js error: libcudart.so.11.0 not found/);
  });

  it("says when the kernel has not answered yet", () => {
    const { title, detail } = kernelInfoText({ state: "starting", kernelInfo: undefined, runtimeDescription: "the editor's runtime (ELECTRON_RUN_AS_NODE=1): no node on PATH" });
    assert.equal(title, "TF.js Studio kernel: starting…");
    assert.match(detail, /has not answered yet/);
    assert.match(detail, /Node.js runtime: the editor's runtime/);
  });
});
