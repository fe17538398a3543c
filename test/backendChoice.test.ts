// The tfjs backend choice: order and skip reasons, TFJS_STUDIO_BACKEND (aliases, forced backends
// that are missing), CUDA diagnostics, what kernel_info, the banner and `runtime` say, and the one
// shared tfjs instance for cells, local .ts files and "@tensorflow/tfjs-node" imports.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BACKEND_ORDER, parseBackendSetting, type BackendId } from "../tfjs/backends/backendNames";
import { backendLoaders, predictChoice } from "../tfjs/backends/backendLoaders";
import { BackendUnavailable, ForcedBackendError, chooseBackend, type BackendLoader, type LoadedBackend } from "../tfjs/backends/chooseBackend";
import { selectBackend } from "../tfjs/backends/selectBackend";
import { THREADS_ENV, requestedThreads } from "../tfjs/backends/threadCount";
import { sharedTfjs } from "../kernel/tfjs/sharedTfjs";
import { CUDA_LIBRARIES, checkCuda, describeCudaReport, systemCudaProbe } from "../tfjs/backends/cudaDiagnostics";
import { NATIVE_PACKAGES_ENV } from "../protocol/hostGpuReport";
import type { JupyterMessage } from "../protocol/messages";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { resultText, startStudioKernel, streamText, tempDir, type StudioKernel } from "./support/studioKernel";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

type TfjsField = { status: string; backend: string | null; description: string | null; version: string | null; devices: string[]; forced: string | null; skipped: { backend: string; reason: string }[]; error: string | null; simd: boolean | null; threads: number | null };

function tfjsOf(kernelInfo: JupyterMessage): TfjsField {
  return kernelInfo.content.tfjs as TfjsField;
}

function errorText(result: { reply: JupyterMessage }): string {
  return `${String(result.reply.content.ename)}: ${String(result.reply.content.evalue)}`;
}

const TFJS_VERSION: string = require("@tensorflow/tfjs/package.json").version;

describe("backend names", () => {
  it("accepts clear names and aliases, and rejects unknown ones", () => {
    assert.equal(parseBackendSetting(undefined), undefined);
    assert.equal(parseBackendSetting(" auto "), undefined);
    assert.equal(parseBackendSetting("node-gpu"), "gpu");
    assert.equal(parseBackendSetting("CUDA"), "gpu");
    assert.equal(parseBackendSetting("tfjs-node"), "node");
    assert.equal(parseBackendSetting("@tensorflow/tfjs-node"), "node");
    assert.equal(parseBackendSetting("WebGPU"), "webgpu");
    assert.equal(parseBackendSetting("dawn"), "webgpu");
    assert.equal(parseBackendSetting("wasm"), "wasm");
    assert.equal(parseBackendSetting("cpu"), "cpu");
    assert.throws(() => parseBackendSetting("tpu"), /TFJS_STUDIO_BACKEND=tpu is not a backend this kernel knows\. Use one of: gpu, webgpu, node \(tfjs-node\), wasm, cpu/);
  });
});

describe("chooseBackend", () => {
  const fake = (id: BackendId) => ({ id, description: id }) as unknown as LoadedBackend;
  function loaders(available: BackendId[], calls: BackendId[]): Record<BackendId, BackendLoader> {
    return Object.fromEntries(BACKEND_ORDER.map((id) => [id, async () => {
      calls.push(id);
      if (!available.includes(id)) throw new BackendUnavailable(`${id} is not here`);
      return fake(id);
    }])) as unknown as Record<BackendId, BackendLoader>;
  }

  it("takes the best backend that loads and says why the better ones were skipped", async () => {
    const calls: BackendId[] = [];
    const choice = await chooseBackend(loaders(["wasm", "cpu"], calls));
    assert.equal(choice.loaded.id, "wasm");
    assert.deepEqual(calls, ["gpu", "webgpu", "node", "wasm"]);
    assert.deepEqual(choice.skipped, [{ backend: "gpu", reason: "gpu is not here" }, { backend: "webgpu", reason: "webgpu is not here" }, { backend: "node", reason: "node is not here" }]);
    assert.equal((await chooseBackend(loaders(["gpu", "cpu"], []))).loaded.id, "gpu");
  });

  it("tries only a forced backend, and a forced one that fails is an error, never a fallback", async () => {
    const calls: BackendId[] = [];
    const choice = await chooseBackend(loaders(["wasm", "cpu"], calls), { backend: "cpu", setting: "cpu" });
    assert.equal(choice.loaded.id, "cpu");
    assert.equal(choice.forced, "cpu");
    assert.deepEqual(calls, ["cpu"]);
    calls.length = 0;
    await assert.rejects(chooseBackend(loaders(["wasm", "cpu"], calls), { backend: "node", setting: "tfjs-node" }), (error: Error) => {
      assert.ok(error instanceof ForcedBackendError);
      assert.match(error.message, /^TFJS_STUDIO_BACKEND=tfjs-node asks for the node \(@tensorflow\/tfjs-node\) backend, which cannot be used: node is not here/);
      assert.match(error.message, /unset TFJS_STUDIO_BACKEND/);
      return true;
    });
    assert.deepEqual(calls, ["node"]);
  });
});

describe("CUDA diagnostics", () => {
  let libDir: string;
  const present = ["libcudart.so.11.0", "libcublas.so.11", "libcudnn.so.8"];
  before(() => {
    libDir = tempDir("fake-cuda-");
    for (const name of present) fs.writeFileSync(path.join(libDir, name), "");
    // Same stem, wrong major version: tfjs-node-gpu 4.x cannot use it.
    fs.writeFileSync(path.join(libDir, "libcufft.so.11"), "");
  });
  after(() => fs.rmSync(libDir, { recursive: true, force: true }));

  it("finds libraries in LD_LIBRARY_PATH directories and names the missing ones", () => {
    const saved = process.env.LD_LIBRARY_PATH;
    process.env.LD_LIBRARY_PATH = `/nonexistent-dir:${libDir}`;
    try {
      const report = checkCuda({ ...systemCudaProbe, loaderCache: () => "", gpuNames: () => undefined });
      assert.deepEqual(report.missing, CUDA_LIBRARIES.filter((name) => !present.includes(name)));
      assert.equal(report.driverFound, false);
      const text = describeCudaReport(report);
      assert.match(text, /CUDA 11\.2 and cuDNN 8\.1/);
      assert.match(text, /no NVIDIA driver found \(libcuda\.so\.1/);
      assert.match(text, /missing libcublasLt\.so\.11, libcufft\.so\.10, libcurand\.so\.10, libcusolver\.so\.11, libcusparse\.so\.11\./);
    } finally {
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
      else process.env.LD_LIBRARY_PATH = saved;
    }
  });

  it("reads the loader cache, and a GPU seen by nvidia-smi means a driver", () => {
    const cache = [DRIVER_LINE("libcuda.so.1"), ...CUDA_LIBRARIES.map(DRIVER_LINE)].join("\n");
    const report = checkCuda({ loaderCache: () => `${CUDA_LIBRARIES.length + 1} libs found in cache \`/etc/ld.so.cache'\n${cache}`, libraryPath: () => [], gpuNames: () => ["NVIDIA T4"] });
    assert.deepEqual(report, { driverFound: true, gpus: ["NVIDIA T4"], missing: [] });
    assert.match(describeCudaReport(report), /all of libcudart\.so\.11\.0, .* were found/);
    // A name that only starts like a needed one does not count.
    const partial = checkCuda({ loaderCache: () => DRIVER_LINE("libcudnn.so.8.1.0"), libraryPath: () => [], gpuNames: () => undefined });
    assert.ok(partial.missing.includes("libcudnn.so.8"));
  });
});

function DRIVER_LINE(soname: string): string {
  return `\t${soname} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/${soname}`;
}

describe("backend loaders on this machine (no native tfjs packages)", function () {
  this.timeout(60_000);
  let notebookDir: string;
  before(() => (notebookDir = tempDir("tfjs-loaders-")));
  after(() => fs.rmSync(notebookDir, { recursive: true, force: true }));

  it("says tfjs-node is not installed and how to install it", async () => {
    await assert.rejects(backendLoaders({ notebookDir }).node(true), (error: Error) => {
      assert.ok(error instanceof BackendUnavailable);
      assert.match(error.message, /^package @tensorflow\/tfjs-node is not installed \(npm install @tensorflow\/tfjs-node/);
      return true;
    });
  });

  it("explains a missing tfjs-node-gpu with the CUDA libraries it would need", async () => {
    const loaders = backendLoaders({ notebookDir, cuda: { loaderCache: () => "", libraryPath: () => [], gpuNames: () => undefined } });
    await assert.rejects(loaders.gpu(true), /package @tensorflow\/tfjs-node-gpu is not installed .* CUDA 11\.2 and cuDNN 8\.1 .*missing libcudart\.so\.11\.0, libcublas\.so\.11/);
  });

  it("finds a native package in the folders of TFJS_STUDIO_NATIVE_PACKAGES, after the notebook's folder, and says why it does not load", async () => {
    const installed = tempDir("tfjs-native-");
    const saved = process.env[NATIVE_PACKAGES_ENV];
    try {
      writePackage(installed, "@tensorflow/tfjs-node-gpu", 'throw new Error("libtensorflow.so.2: cannot open shared object file")');
      process.env[NATIVE_PACKAGES_ENV] = ["/nonexistent", installed].join(path.delimiter);
      const gpuDir = fs.realpathSync(path.join(installed, "node_modules", "@tensorflow", "tfjs-node-gpu"));
      await assert.rejects(backendLoaders({ notebookDir }).gpu(false), (error: Error) => {
        assert.ok(error.message.startsWith(`@tensorflow/tfjs-node-gpu 4.22.0 is installed (${gpuDir}) but does not load: libtensorflow.so.2: cannot open shared object file`), error.message);
        return true;
      });
      assert.equal(predictChoice({ notebookDir }), undefined, "a package there is to be tried");
    } finally {
      if (saved === undefined) delete process.env[NATIVE_PACKAGES_ENV];
      else process.env[NATIVE_PACKAGES_ENV] = saved;
      fs.rmSync(installed, { recursive: true, force: true });
    }
  });

  it("knows the choice before loading only when no native package is to be tried", () => {
    const predicted = predictChoice({ notebookDir, threads: "1" });
    assert.equal(predicted?.description, "wasm (SIMD, 1 thread)");
    assert.deepEqual(predicted?.skipped.map((s) => s.backend), ["gpu", "webgpu", "node"]);
    assert.equal(predictChoice({ notebookDir }, "cpu")?.id, "cpu");
    assert.equal(predictChoice({ notebookDir }, "node"), undefined, "a forced native package must be loaded to know");
    const withNode = tempDir("tfjs-with-node-");
    try {
      writePackage(withNode, "@tensorflow/tfjs-node", "");
      assert.equal(predictChoice({ notebookDir: withNode }), undefined);
    } finally {
      fs.rmSync(withNode, { recursive: true, force: true });
    }
  });

  it("selectBackend picks the best backend that loads and says why, without setting up the kernel's shared tfjs", async () => {
    // One thread: this process's wasm stays the single-threaded one the wasm suites expect.
    const { loaded, runtime } = await selectBackend({ notebookDir, threads: "1" });
    assert.equal(runtime.status, "ready");
    assert.equal(runtime.backend, "wasm");
    assert.deepEqual(runtime.skipped.map((s) => s.backend), ["gpu", "webgpu", "node"]);
    assert.match(runtime.skipped[2].reason, /tfjs-node is not installed/);
    assert.equal(loaded.tf.getBackend(), "wasm");
    assert.equal(sharedTfjs(), undefined, "no shared instance was provided");
    await assert.rejects(selectBackend({ notebookDir, setting: "node" }), /TFJS_STUDIO_BACKEND=node asks for the node \(@tensorflow\/tfjs-node\) backend, which cannot be used/);
  });

  it("loads wasm with SIMD from the package's own files", async () => {
    const loaded = await backendLoaders({ notebookDir, threads: "1" }).wasm(true);
    assert.equal(loaded.tf.getBackend(), "wasm");
    assert.equal(loaded.simd, true);
    assert.equal(loaded.description, "wasm (SIMD, 1 thread)");
    assert.deepEqual(Array.from(loaded.tf.tensor([1, 2, 3]).square().dataSync()), [1, 4, 9]);
  });
});

/** A kernel's wasm runs the machine's physical cores unless TFJS_STUDIO_THREADS says otherwise. */
const DEFAULT_THREADS = requestedThreads(process.env[THREADS_ENV]).threads;
const WASM_DEFAULT = `wasm (SIMD, ${DEFAULT_THREADS} thread${DEFAULT_THREADS === 1 ? "" : "s"})`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("backend in a kernel", function () {
  this.timeout(120_000);

  describe("by default, in a notebook folder without node_modules", () => {
    let kernel: StudioKernel;
    before(async () => {
      kernel = await startStudioKernel({
        prepare: (dir) => fs.writeFileSync(path.join(dir, "data.ts"), 'import * as tf from "@tensorflow/tfjs";\nexport { tf };\nexport const ones: tf.Tensor = tf.ones([2]);\n'),
      });
    });
    after(() => kernel?.stop());

    it("chooses wasm and says so in kernel_info and the banner, with why gpu, webgpu and node were skipped", async () => {
      // At start the choice is certain (no native package here), and may still be loading.
      const info = kernel.launched.kernelInfo;
      assert.match(tfjsOf(info).status, /^(loading|ready)$/);
      assert.equal(tfjsOf(info).backend, "wasm");
      assert.equal(tfjsOf(info).version, TFJS_VERSION);
      // A tfjs import waits for the load to finish.
      await kernel.run('import * as tf from "@tensorflow/tfjs";');
      const later = (await kernel.traced("shell", "kernel_info_request")).reply;
      assert.equal(tfjsOf(later).status, "ready");
      assert.equal(later.content.banner, info.content.banner);
      const tfjs = tfjsOf(later);
      assert.equal(tfjs.backend, "wasm");
      assert.equal(tfjs.version, TFJS_VERSION);
      assert.equal(tfjs.description, WASM_DEFAULT);
      assert.equal(tfjs.simd, true);
      assert.equal(tfjs.threads, DEFAULT_THREADS);
      assert.match(tfjs.devices[0], new RegExp(`^CPU: .*, ${DEFAULT_THREADS} threads?$`));
      assert.equal(tfjs.forced, null);
      assert.deepEqual(tfjs.skipped.map((s) => s.backend), ["gpu", "webgpu", "node"]);
      assert.match(tfjs.skipped[0].reason, /@tensorflow\/tfjs-node-gpu is not installed/);
      // This machine has no GPU; where it shows a device, Dawn finds lavapipe only (scripts/install-system-deps.sh).
      assert.match(tfjs.skipped[1].reason, /^(no hardware adapter: this machine shows no GPU device|only a software adapter)/);
      assert.match(tfjs.skipped[2].reason, /@tensorflow\/tfjs-node is not installed/);
      assert.match(String(info.content.banner), new RegExp(`\\nTensorFlow\\.js ${escapeRegExp(TFJS_VERSION)} on ${escapeRegExp(WASM_DEFAULT)}$`));
      // The language_info the frontends rely on is unchanged.
      assert.equal((info.content.language_info as { name: string }).name, "typescript");
    });

    it("gives cells the kernel's tfjs on that backend, type-checked without node_modules", async () => {
      const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\nconst backend: string = tf.getBackend();\nbackend');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.equal(resultText(result), "'wasm'");
      const typeError = await kernel.run('import * as tf from "@tensorflow/tfjs";\nconst wrong: number = tf.getBackend();');
      assert.equal(typeError.reply.content.ename, "TypeScriptError", "tfjs's own types are used: a string is not a number");
    });

    it("survives an error thrown from a timer or a rejected promise on wasm, and shows it", async () => {
      const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\nsetTimeout(() => { throw new Error("late timer error"); }, 0);\nvoid Promise.reject(new Error("late rejection"));\nawait new Promise((resolve) => setTimeout(resolve, 100));\ntf.getBackend()');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.match(streamText(result, "stderr"), /late timer error/);
      assert.match(streamText(result, "stderr"), /late rejection/);
      const next = await kernel.run("6 * 7");
      assert.equal(resultText(next), "42", "the kernel is still alive");
    });

    it("gives a local .ts file that imports tfjs the very same instance", async () => {
      // Namespaces are per-importer interop objects; the functions in them are the instance's own.
      const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\nimport * as data from "./data";\n[tf.tensor === data.tf.tensor, tf.sequential === data.tf.sequential, data.ones.dataSync().join(",")]');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.equal(resultText(result), "[ true, true, '1,1' ]");
    });

    it("maps @tensorflow/tfjs-node to the shared tfjs, and says so once", async () => {
      const result = await kernel.run('import * as tfn from "@tensorflow/tfjs-node";\nimport * as tf from "@tensorflow/tfjs";\n[tfn.getBackend(), tfn.tensor === tf.tensor]');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.equal(resultText(result), "[ 'wasm', true ]");
      assert.match(streamText(result, "stderr"), new RegExp(`@tensorflow/tfjs-node is not installed here: '@tensorflow/tfjs-node' gives the kernel's @tensorflow/tfjs on ${escapeRegExp(WASM_DEFAULT)} instead`));
      const again = await kernel.run('import * as tfn from "@tensorflow/tfjs-node";\ntfn.getBackend()');
      assert.equal(streamText(again, "stderr"), "");
    });

    it("gives tfjs-core, layers and the wasm backend package from the same install", async () => {
      const result = await kernel.run([
        'import * as tf from "@tensorflow/tfjs";',
        'import * as core from "@tensorflow/tfjs-core";',
        'import * as layers from "@tensorflow/tfjs-layers";',
        'import * as wasm from "@tensorflow/tfjs-backend-wasm";',
        "[core.tensor === tf.tensor, layers.sequential === tf.sequential, wasm.getThreadsCount()]",
      ].join("\n"));
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.equal(resultText(result), `[ true, true, ${DEFAULT_THREADS} ]`);
    });

    it("shows runtime as a table with backend, version, devices and skipped backends", async () => {
      const result = await kernel.run('import { runtime } from "tfjs-studio";\nruntime');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      const data = result.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data as Record<string, string>;
      assert.match(data["text/plain"], new RegExp(`^TensorFlow\\.js ${escapeRegExp(TFJS_VERSION)} on ${escapeRegExp(WASM_DEFAULT)}\\n`));
      assert.match(data["text/plain"], /Device: CPU: /);
      assert.match(data["text/plain"], /Skipped node \(@tensorflow\/tfjs-node\): package @tensorflow\/tfjs-node is not installed/);
      assert.match(data["text/html"], new RegExp(`<table>.*<th[^>]*>Backend</th><td[^>]*>${escapeRegExp(WASM_DEFAULT)} — tf\\.getBackend\\(\\) is &#34;wasm&#34;</td>`));
      const fields = await kernel.run('import { runtime } from "tfjs-studio";\n[runtime.backend, runtime.simd, runtime.threads, String(runtime)]');
      assert.equal(resultText(fields), `[ 'wasm', true, ${DEFAULT_THREADS}, 'TensorFlow.js ${TFJS_VERSION} on ${WASM_DEFAULT}' ]`);
    });

    it("does not print tfjs's 'install our node backend' advert", async () => {
      const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\nawait tf.setBackend("cpu");\nconst sum = tf.tensor([1, 2]).add(1).dataSync().join(",");\nawait tf.setBackend("wasm");\nsum');
      assert.equal(resultText(result), "'2,3'");
      assert.doesNotMatch(streamText(result, "stderr") + streamText(result, "stdout"), /speed things up|node backend/);
    });
  });

  it("lets a first cell's plain require wait for tfjs, which loads only once the kernel is idle, and gives it the shared instance", async () => {
    const kernel = await startStudioKernel();
    try {
      // The notebook's folder has no node_modules: only the kernel's tfjs, once loaded, answers this require.
      const required = await kernel.run('const viaRequire = require("@tensorflow/tfjs");\nviaRequire.getBackend()');
      assert.equal(required.reply.content.status, "ok", errorText(required));
      assert.equal(resultText(required), "'wasm'");
      const imported = await kernel.run('import * as tf from "@tensorflow/tfjs";\ntf.tensor === viaRequire.tensor');
      assert.equal(resultText(imported), "true", errorText(imported));
    } finally {
      await kernel.stop();
    }
  });

  describe("with a notebook folder that has its own @tensorflow/tfjs and a broken tfjs-node", () => {
    let kernel: StudioKernel;
    before(async () => {
      kernel = await startStudioKernel({
        prepare: (dir) => {
          writePackage(dir, "@tensorflow/tfjs", "module.exports = { secondCopy: true };");
          writePackage(dir, "@tensorflow/tfjs-node", 'throw new Error("libtensorflow.so.2: cannot open shared object file: No such file or directory");');
          fs.writeFileSync(path.join(dir, "data.ts"), 'import * as tf from "@tensorflow/tfjs";\nexport const backend = tf.getBackend();\n');
        },
      });
    });
    after(() => kernel?.stop());

    it("skips the tfjs-node that does not load, with its error, and chooses wasm", () => {
      // An installed native package must be tried before the choice is known: kernel_info waited for it.
      const tfjs = tfjsOf(kernel.launched.kernelInfo);
      assert.equal(tfjs.status, "ready");
      assert.equal(tfjs.backend, "wasm", JSON.stringify(tfjs));
      assert.match(tfjs.skipped[2].reason, /^@tensorflow\/tfjs-node 4\.22\.0 is installed \(.*\) but does not load: libtensorflow\.so\.2: cannot open shared object file/);
    });

    it("still gives cells and local files the kernel's instance, not the folder's copy", async () => {
      const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\nimport { backend } from "./data";\n[tf.getBackend(), backend, "secondCopy" in tf]');
      assert.equal(result.reply.content.status, "ok", errorText(result));
      assert.equal(resultText(result), "[ 'wasm', 'wasm', false ]");
    });
  });

  describe("forced", () => {
    it("cpu: uses it, says it was forced, and shows no advert", async () => {
      const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "cpu" } });
      try {
        const tfjs = tfjsOf(kernel.launched.kernelInfo);
        assert.equal(tfjs.backend, "cpu");
        assert.equal(tfjs.forced, "cpu");
        assert.deepEqual(tfjs.skipped, []);
        assert.match(String(kernel.launched.kernelInfo.content.banner), /on cpu \(plain JavaScript, 1 thread\) \(forced by TFJS_STUDIO_BACKEND=cpu\)$/);
        const result = await kernel.run('import * as tf from "@tensorflow/tfjs";\n[tf.getBackend(), tf.tensor([1, 2]).mul(2).dataSync().join(",")]');
        assert.equal(resultText(result), "[ 'cpu', '2,4' ]");
        assert.doesNotMatch(streamText(result, "stderr"), /speed things up/);
      } finally {
        await kernel.stop();
      }
    });

    it("wasm: uses it", async () => {
      const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "wasm" } });
      try {
        assert.equal(tfjsOf(kernel.launched.kernelInfo).backend, "wasm");
        assert.equal(tfjsOf(kernel.launched.kernelInfo).forced, "wasm");
      } finally {
        await kernel.stop();
      }
    });

    it("tfjs-node that is not installed: a clear error in kernel_info, on the first cell, and from every tfjs import", async () => {
      const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "tfjs-node" } });
      try {
        const info = kernel.launched.kernelInfo;
        const tfjs = tfjsOf(info);
        assert.equal(tfjs.status, "failed");
        assert.equal(tfjs.backend, null);
        const expected = /TFJS_STUDIO_BACKEND=tfjs-node asks for the node \(@tensorflow\/tfjs-node\) backend, which cannot be used: package @tensorflow\/tfjs-node is not installed \(npm install @tensorflow\/tfjs-node/;
        assert.match(tfjs.error!, expected);
        assert.match(String(info.content.banner), /TensorFlow\.js: unavailable: TFJS_STUDIO_BACKEND=tfjs-node asks/);
        const first = await kernel.run("1 + 1");
        assert.equal(resultText(first), "2", "cells without tfjs still run");
        assert.match(streamText(first, "stderr"), expected);
        const second = await kernel.run("2 + 2");
        assert.equal(streamText(second, "stderr"), "", "the notice comes once");
        const importing = await kernel.run('import * as tf from "@tensorflow/tfjs";\ntf.getBackend()');
        assert.equal(importing.reply.content.status, "error");
        assert.match(String(importing.reply.content.evalue), /Cannot import '@tensorflow\/tfjs': TFJS_STUDIO_BACKEND=tfjs-node asks/);
        const runtime = await kernel.run('import { runtime } from "tfjs-studio";\n[runtime.status, runtime.forced]');
        assert.equal(resultText(runtime), "[ 'failed', 'tfjs-node' ]");
      } finally {
        await kernel.stop();
      }
    });

    it("gpu that is not installed: names CUDA 11.2, cuDNN 8.1 and the missing libraries", async () => {
      const libDir = tempDir("fake-cuda-");
      fs.writeFileSync(path.join(libDir, "libcudart.so.11.0"), "");
      fs.writeFileSync(path.join(libDir, "libcudnn.so.8"), "");
      const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "gpu", LD_LIBRARY_PATH: libDir } });
      try {
        const { error } = tfjsOf(kernel.launched.kernelInfo);
        assert.match(error!, /asks for the gpu \(@tensorflow\/tfjs-node-gpu\) backend, which cannot be used: package @tensorflow\/tfjs-node-gpu is not installed/);
        assert.match(error!, /needs an NVIDIA driver and CUDA 11\.2 and cuDNN 8\.1/);
        assert.match(error!, /missing libcublas\.so\.11, libcublasLt\.so\.11, libcufft\.so\.10, libcurand\.so\.10, libcusolver\.so\.11, libcusparse\.so\.11\./);
        assert.doesNotMatch(error!.split("missing")[1] ?? "", /libcudart|libcudnn/, "the libraries in the fake folder are found");
      } finally {
        await kernel.stop();
        fs.rmSync(libDir, { recursive: true, force: true });
      }
    });

    it("an unknown name: says which names work", async () => {
      const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "tpu" } });
      try {
        assert.match(tfjsOf(kernel.launched.kernelInfo).error!, /TFJS_STUDIO_BACKEND=tpu is not a backend this kernel knows/);
      } finally {
        await kernel.stop();
      }
    });
  });
});

function writePackage(dir: string, name: string, code: string): void {
  const packageDir = path.join(dir, "node_modules", name);
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(path.join(packageDir, "package.json"), JSON.stringify({ name, version: "4.22.0", main: "index.js" }));
  fs.writeFileSync(path.join(packageDir, "index.js"), code);
}
