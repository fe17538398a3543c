// The WebGPU backend (tfjs' backend on Dawn, the webgpu package): why it is skipped where it cannot run (no package,
// no Vulkan loader, no GPU device, only a software adapter, a device feature Dawn misses), and a kernel that runs on
// it. No GPU here: Mesa's lavapipe, a software Vulkan driver (scripts/install-system-deps.sh), is a real adapter that
// TFJS_STUDIO_WEBGPU_SOFTWARE=1 lets the kernel use, so training, save and load, interrupts and exit run on real Dawn.
import assert from "node:assert/strict";
import * as path from "node:path";
import { dawnWarnings, probeAdapter } from "../tfjs/backends/webgpu/adapterProbe";
import { adapterName, isSoftwareAdapter } from "../tfjs/backends/webgpu/adapterName";
import { hostProblem, type WebGpuHost } from "../tfjs/backends/webgpu/webgpuHost";
import { WEBGPU_SOFTWARE_ENV, loadWebGpu, type WebGpuLoadOptions } from "../tfjs/backends/webgpu/webgpuLoader";
import { kernelTfjsDir } from "../tfjs/backends/tfjsPackages";
import { METRICS_MIME_TYPE } from "../protocol/runLogSchema";
import type { JupyterMessage } from "../protocol/messages";
import { resultText, startStudioKernel, streamText, type StudioKernel } from "./support/studioKernel";

const WEBGPU_DIR = path.dirname(require.resolve("webgpu/package.json"));
const BACKEND_DIR = path.dirname(require.resolve("@tensorflow/tfjs-backend-webgpu/package.json"));
const LAVAPIPE = /^llvmpipe/;

function host(overrides: Partial<WebGpuHost>): WebGpuHost {
  return { platform: "linux", loaderCache: () => "\tlibvulkan.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libvulkan.so.1", libraryPath: () => [], gpuDeviceFiles: () => ["/dev/dri/renderD128"], gpuNames: () => [], probeAdapter, ...overrides };
}

/** The loader up to the point where it would load Dawn in this process, which these tests never let it reach. */
function loadOptions(overrides: Partial<WebGpuLoadOptions>): WebGpuLoadOptions {
  const packages: Record<string, string> = { webgpu: WEBGPU_DIR, "@tensorflow/tfjs-backend-webgpu": BACKEND_DIR };
  const tfjsDir = kernelTfjsDir();
  return { forced: false, host: host({}), findPackage: (name) => packages[name], tf: require(tfjsDir), tfjsDir, allowSoftware: false, ...overrides };
}

describe("WebGPU backend: why it is skipped", function () {
  this.timeout(60_000);

  it("names the missing packages and how to install them", async () => {
    await assert.rejects(loadWebGpu(loadOptions({ findPackage: () => undefined })), /^BackendUnavailable: package webgpu and @tensorflow\/tfjs-backend-webgpu are not installed \(npm install webgpu @tensorflow\/tfjs-backend-webgpu in the notebook's folder or next to the kernel\)$/);
    await assert.rejects(loadWebGpu(loadOptions({ findPackage: (name) => (name === "webgpu" ? WEBGPU_DIR : undefined) })), /package @tensorflow\/tfjs-backend-webgpu is not installed/);
  });

  it("says when the Vulkan loader is missing, forced or not, before loading Dawn", () => {
    const noLoader = host({ loaderCache: () => "", probeAdapter: () => assert.fail("Dawn must not be asked") });
    for (const forced of [false, true]) {
      assert.match(hostProblem(noLoader, forced) ?? "", /^no Vulkan loader: libvulkan\.so\.1 is not in the loader cache or LD_LIBRARY_PATH \(Debian and Ubuntu: apt install libvulkan1/);
    }
  });

  it("skips a machine without GPU device files, but asks Dawn when the backend is forced", () => {
    const noDevice = host({ gpuDeviceFiles: () => [] });
    assert.match(hostProblem(noDevice, false) ?? "", /^no hardware adapter: this machine shows no GPU device \(no \/dev\/dri\/renderD\*, \/dev\/nvidia0 or \/dev\/dxg/);
    assert.equal(hostProblem(noDevice, true), undefined);
    assert.equal(hostProblem(host({}), false), undefined);
    assert.equal(hostProblem(host({ platform: "darwin", loaderCache: () => "", gpuDeviceFiles: () => [] }), false), undefined, "Metal needs neither");
  });

  it("skips a software adapter with its name, found by Dawn in a child process", async () => {
    const probe = await probeAdapter(WEBGPU_DIR);
    assert.equal(probe.failure, undefined, probe.failure);
    assert.match(probe.adapter?.description ?? "", LAVAPIPE, "lavapipe from mesa-vulkan-drivers is the adapter here");
    assert.equal(probe.adapter?.fallback, true);
    await assert.rejects(loadWebGpu(loadOptions({})), /^BackendUnavailable: only a software adapter: llvmpipe-llvm-[\w-]+ \(llvmpipe: Mesa .*\), which emulates a GPU on the CPU, slower than the wasm backend \(TFJS_STUDIO_WEBGPU_SOFTWARE=1 uses it anyway\)$/);
  });

  it("names the adapter as nvidia-smi does, where Dawn only has an identifier for it, and knows a software one", () => {
    const h200 = { vendor: "nvidia", device: "nvidia-h200", description: "NVIDIA: 570.86.15" };
    assert.equal(adapterName(h200, ["NVIDIA A100-SXM4-80GB", "NVIDIA H200"]), "NVIDIA H200");
    assert.equal(adapterName(h200, []), "nvidia-h200");
    assert.equal(adapterName({ vendor: "mesa", device: "llvmpipe-llvm-15-0-6-256-bits-", description: "llvmpipe: Mesa 25.0.7" }), "llvmpipe-llvm-15-0-6-256-bits");
    assert.equal(adapterName({ vendor: "apple", device: "", description: "Metal driver on macOS 15" }), "Metal driver on macOS 15");
    assert.equal(isSoftwareAdapter({ device: "swiftshader-device-subzero", description: "Vulkan driver version 5.0.0", isFallbackAdapter: false }), true);
    assert.equal(isSoftwareAdapter({ ...h200, isFallbackAdapter: false }), false);
  });

  it("says that a device feature Dawn needs is missing, in Dawn's words", async () => {
    // What Dawn prints for Debian 12's own lavapipe (Mesa 22.3), which lacks dynamic indexing of uniform arrays.
    const stderr = "error: XDG_RUNTIME_DIR is invalid or not set in the environment.\nWarning: Vulkan shaderUniform*ArrayDynamicIndexing required.\n - While initializing adapter (backend=BackendType::Vulkan)\n    at InitializeImpl (PhysicalDeviceVk.cpp:257)\n";
    const warnings = dawnWarnings(stderr);
    assert.deepEqual(warnings, ["Vulkan shaderUniform*ArrayDynamicIndexing required."]);
    const options = loadOptions({ host: host({ probeAdapter: async () => ({ warnings }) }) });
    await assert.rejects(loadWebGpu(options), /^BackendUnavailable: a device feature Dawn needs is missing, so it offers no adapter; Dawn says: Vulkan shaderUniform\*ArrayDynamicIndexing required\.$/);
    const crashed = loadOptions({ host: host({ probeAdapter: async () => ({ warnings: [], failure: "the probe crashed (SIGSEGV)" }) }) });
    await assert.rejects(loadWebGpu(crashed), /^BackendUnavailable: Dawn could not be asked for an adapter: the probe crashed \(SIGSEGV\)$/);
  });
});

type TfjsInfo = { status: string; backend: string | null; description: string | null; devices: string[]; forced: string | null; error: string | null };

describe("WebGPU backend in a kernel, on lavapipe", function () {
  this.timeout(180_000);

  it("refuses the software adapter when forced without TFJS_STUDIO_WEBGPU_SOFTWARE, and says so", async () => {
    const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "webgpu" } });
    try {
      const result = await kernel.run('import { runtime } from "tfjs-studio";\nruntime.status');
      const info = (await kernel.traced("shell", "kernel_info_request")).reply.content.tfjs as TfjsInfo;
      assert.equal(info.status, "failed");
      assert.match(info.error ?? "", /^TFJS_STUDIO_BACKEND=webgpu asks for the webgpu \(@tensorflow\/tfjs-backend-webgpu on Dawn\) backend, which cannot be used: only a software adapter: llvmpipe/);
      assert.match(streamText(result, "stderr"), /only a software adapter: llvmpipe/);
    } finally {
      await kernel.stop();
    }
  });

  describe(`with ${WEBGPU_SOFTWARE_ENV}=1`, () => {
    let kernel: StudioKernel;
    before(async () => {
      kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "webgpu", [WEBGPU_SOFTWARE_ENV]: "1" } });
      await kernel.run('import * as tf from "@tensorflow/tfjs";', { timeoutMs: 60_000 });
    });
    after(() => kernel?.stop());

    it("runs on the adapter and names it in kernel_info and the banner", async () => {
      const reply = (await kernel.traced("shell", "kernel_info_request")).reply;
      const info = reply.content.tfjs as TfjsInfo;
      assert.equal(info.status, "ready", info.error ?? "");
      assert.equal(info.backend, "webgpu");
      assert.match(info.description ?? "", /^GPU: llvmpipe-llvm-[\w-]+ \(WebGPU, software; driver llvmpipe: Mesa .*\)$/);
      assert.match(info.devices[0], /^GPU: llvmpipe/);
      assert.equal(info.forced, "webgpu");
      assert.match(String(reply.content.banner), /on GPU: llvmpipe.*\(WebGPU, software; driver/);
      assert.equal(resultText(await kernel.run('[tf.getBackend(), typeof (globalThis as { navigator?: { gpu?: object } }).navigator?.gpu]')), "[ 'webgpu', 'object' ]");
    });

    it("trains the templates' layers with live metrics, and saves and loads through file://", async () => {
      const code = [
        "const cnn = tf.sequential({ layers: [",
        '  tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu" }), tf.layers.maxPooling2d({ poolSize: 2 }),',
        '  tf.layers.flatten(), tf.layers.dropout({ rate: 0.25 }), tf.layers.dense({ units: 3, activation: "softmax" })] });',
        'cnn.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });',
        "const x = tf.randomNormal([64, 12, 12, 1]), y = tf.oneHot(tf.randomUniform([64], 0, 3, \"int32\"), 3);",
        "const cnnHistory = await cnn.fit(x, y, { epochs: 2, batchSize: 16 });",
        "const lstm = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }), tf.layers.lstm({ units: 4 }), tf.layers.dense({ units: 2, activation: \"softmax\" })] });",
        'lstm.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });',
        'const lstmHistory = await lstm.fit(tf.randomUniform([32, 6], 0, 20, "int32").toFloat(), tf.oneHot(tf.randomUniform([32], 0, 2, "int32"), 2), { epochs: 1, batchSize: 16 });',
        'await cnn.save("file://./saved-cnn");',
        'const loaded = await tf.loadLayersModel("file://./saved-cnn/model.json");',
        "const same = tf.sub(cnn.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor).abs().max();",
        "[cnnHistory.history.loss.every(Number.isFinite), lstmHistory.history.loss.every(Number.isFinite), (await same.data())[0] < 1e-6]",
      ].join("\n");
      const result = await kernel.run(code, { timeoutMs: 120_000 });
      assert.equal(result.reply.content.status, "ok", String(result.reply.content.evalue));
      assert.equal(resultText(result), "[ true, true, true ]");
      const metrics = result.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type) && METRICS_MIME_TYPE in (m.content.data as object));
      const last = metrics.at(-1)?.content.data as Record<string, { status?: string }> | undefined;
      assert.ok(metrics.length >= 2, "live metrics were shown");
      assert.equal(last?.[METRICS_MIME_TYPE].status, "completed");
    });

    it("explains a synchronous read of a GPU tensor instead of failing on a missing OffscreenCanvas", async () => {
      const result = await kernel.run("const onGpu = tf.tensor([1, 2, 3]).square();\nonGpu.dataSync()");
      assert.equal(result.reply.content.status, "error");
      assert.match(String(result.reply.content.evalue), /^a tensor on the GPU cannot be read synchronously on the WebGPU backend in Node \(dataSync, arraySync, print, toString\): read it with await tensor\.data\(\) or await tensor\.array\(\)$/);
      assert.equal(resultText(await kernel.run("await onGpu.array()")), "[ 1, 4, 9 ]");
    });

    it("stops training at an interrupt and keeps going after it", async () => {
      const code = [
        'const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: "relu" }), tf.layers.dense({ units: 1 })] });',
        'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
        'console.log("training");',
        "await model.fit(tf.randomNormal([256, 32]), tf.randomNormal([256, 1]), { epochs: 100000, batchSize: 32 });",
      ].join("\n");
      let interrupted = false;
      const result = await kernel.run(code, {
        timeoutMs: 60_000,
        onIopub: (message: JupyterMessage) => {
          const data = message.content.data as Record<string, unknown> | undefined;
          if (!interrupted && data?.[METRICS_MIME_TYPE]) {
            interrupted = true;
            void kernel.launched.interrupt();
          }
        },
      });
      assert.equal(result.reply.content.ename, "Interrupted");
      assert.match(String(result.reply.content.evalue), /during training/);
      assert.equal(resultText(await kernel.run("tf.getBackend()")), "'webgpu'");
    });

    it("exits with code 0 at shutdown after GPU work, the device released", async () => {
      const held = await kernel.run("const held = tf.matMul(tf.randomNormal([256, 256]), tf.randomNormal([256, 256]));\n(await held.data()).length");
      assert.equal(resultText(held), "65536");
      const reply = await kernel.client.request("control", "shutdown_request", { restart: false }, { timeoutMs: 10_000 });
      assert.equal(reply.content.status, "ok");
      assert.deepEqual(await kernel.launched.exited, { code: 0, signal: null });
    });
  });
});
