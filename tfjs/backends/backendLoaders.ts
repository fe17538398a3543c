// How each backend is loaded and described. Native packages are looked up in the notebook's
// folder and next to the kernel, and loaded by path, so a missing one is a plain "not installed".
import { cpus } from "node:os";
import { findPackageDir } from "../../common/packageLookup";
import { BACKEND_ORDER, type BackendId } from "./backendNames";
import { BackendUnavailable, type BackendLoader, type LoadedBackend, type Skipped } from "./chooseBackend";
import { checkCuda, describeCudaReport, systemCudaProbe, type CudaProbe } from "./cudaDiagnostics";
import type { Tfjs } from "../tfjsModule";
import { GPU_PACKAGE, NODE_PACKAGE, TFJS_PACKAGE, WASM_PACKAGE, findNativePackage, kernelTfjsDir, packageVersionAt } from "./tfjsPackages";
import { requestedThreads } from "./threadCount";
import { registerWasmGradients } from "./wasmGradients";
import { startWasm, type WasmThreads } from "./wasmThreads";
import { startBackend } from "./startBackend";
import { hostProblem, systemWebGpuHost, type WebGpuHost } from "./webgpu/webgpuHost";
import { WEBGPU_SOFTWARE_ENV, loadWebGpu, webgpuNotInstalled } from "./webgpu/webgpuLoader";

export interface LoaderContext {
  notebookDir: string;
  cuda?: CudaProbe;
  /** A TFJS_STUDIO_THREADS value: the wasm backend's threads; unset, the machine's physical cores. */
  threads?: string;
  webgpuHost?: WebGpuHost;
}

type WasmModule = typeof import("@tensorflow/tfjs-backend-wasm");
/** What tfjs-node's backend object tells about itself. */
type NativeBackend = { isUsingGpuDevice?: boolean };

export function backendLoaders(context: LoaderContext): Record<BackendId, BackendLoader> {
  /** tfjs-node-gpu loaded but found no GPU: its TensorFlow still runs on the CPU, as tfjs-node would. */
  let gpuPackageOnCpu: LoadedBackend | undefined;
  const cudaDiagnosis = () => describeCudaReport(checkCuda(context.cuda));

  return {
    async gpu(forced) {
      const dir = findNativePackage(GPU_PACKAGE, context.notebookDir);
      if (!dir) throw new BackendUnavailable(`${notInstalled(GPU_PACKAGE)}${forced ? ` ${cudaDiagnosis()}` : ""}`);
      const loaded = await loadNative(GPU_PACKAGE, dir, "gpu", cudaDiagnosis);
      if (!(loaded.tf.backend() as NativeBackend).isUsingGpuDevice) {
        gpuPackageOnCpu = { ...loaded, id: "node", description: `CPU (${GPU_PACKAGE} without a CUDA device)`, devices: [cpuDevice()] };
        throw new BackendUnavailable(`${GPU_PACKAGE} loaded, but TensorFlow found no CUDA device. ${cudaDiagnosis()}`);
      }
      const gpus = (context.cuda ?? systemCudaProbe).gpuNames() ?? [];
      const devices = gpus.length > 0 ? gpus.map((name) => `GPU: ${name}`) : ["GPU: a CUDA device (nvidia-smi is not available to name it)"];
      return { ...loaded, description: `${devices[0]} (${GPU_PACKAGE})`, devices };
    },
    async webgpu(forced) {
      const tfjsDir = kernelTfjsDir();
      return loadWebGpu({
        forced,
        host: context.webgpuHost ?? systemWebGpuHost,
        findPackage: (name) => findNativePackage(name, context.notebookDir),
        tf: requireTfjs(tfjsDir),
        tfjsDir,
        allowSoftware: process.env[WEBGPU_SOFTWARE_ENV] === "1",
      });
    },
    async node() {
      // Already in the process, and a second libtensorflow (tfjs-node's) must not be loaded next to it.
      if (gpuPackageOnCpu) return gpuPackageOnCpu;
      const dir = findNativePackage(NODE_PACKAGE, context.notebookDir);
      if (!dir) throw new BackendUnavailable(notInstalled(NODE_PACKAGE));
      return loadNative(NODE_PACKAGE, dir, "node", () => "");
    },
    async wasm() {
      const tfjsDir = kernelTfjsDir();
      const tf = requireTfjs(tfjsDir);
      const wasmDir = findPackageDir(WASM_PACKAGE, [tfjsDir]);
      if (!wasmDir) throw new BackendUnavailable(notInstalled(WASM_PACKAGE));
      // In Node the wasm backend reads its .wasm binaries from its own dist folder: no network.
      const wasm = require(wasmDir) as WasmModule;
      const threads = await startWasm(tf, wasm, wasmDir, requestedThreads(context.threads), () => startBackend(tf, "wasm"));
      // Stock wasm lacks gradients that CNN and Embedding training need, and has slow ones.
      registerWasmGradients(tf);
      const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
      return { tf, tfjsDir, ...wasmFacts(simd, threads) };
    },
    async cpu() {
      const tfjsDir = kernelTfjsDir();
      const tf = requireTfjs(tfjsDir);
      await startBackend(tf, "cpu");
      return { tf, tfjsDir, ...cpuFacts() };
    },
  };
}

type BackendFacts = Pick<LoadedBackend, "id" | "description" | "devices" | "simd" | "threads" | "threadsNote">;

function wasmFacts(simd: boolean, { threads, note }: WasmThreads): BackendFacts {
  const threadText = `${threads} thread${threads === 1 ? "" : "s"}`;
  const description = `wasm (${simd ? "SIMD" : "no SIMD"}, ${threadText}${note ? `; ${note}` : ""})`;
  return { id: "wasm", description, devices: [`${cpuDevice()}, ${threadText}`], simd, threads, threadsNote: note };
}

function cpuFacts(): BackendFacts {
  return { id: "cpu", description: "cpu (plain JavaScript, 1 thread)", devices: [`${cpuDevice()}, 1 thread`], threads: 1 };
}

/** The module tfjs-backend-wasm validates to decide on its SIMD binary (from wasm-feature-detect). */
const wasmValidate = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly.validate;
const WASM_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * The choice as far as it is certain before anything loads: when every better backend is a native
 * package that is not installed, the JavaScript backend shipped with the kernel is the one.
 * Undefined when a native package is to be tried: only loading it tells.
 */
export function predictChoice(context: LoaderContext, forced?: BackendId): (BackendFacts & { skipped: Skipped[] }) | undefined {
  const skipped: Skipped[] = [];
  for (const backend of forced ? [forced] : BACKEND_ORDER) {
    if (backend === "wasm") return { ...wasmFacts(wasmValidate(WASM_SIMD_PROBE), requestedThreads(context.threads)), skipped };
    if (backend === "cpu") return { ...cpuFacts(), skipped };
    if (forced) return undefined;
    const reason = backend === "webgpu" ? webgpuSkipReason(context) : nativeSkipReason(backend === "gpu" ? GPU_PACKAGE : NODE_PACKAGE, context);
    if (!reason) return undefined;
    skipped.push({ backend, reason });
  }
  return undefined;
}

function nativeSkipReason(name: string, context: LoaderContext): string | undefined {
  return findNativePackage(name, context.notebookDir) ? undefined : notInstalled(name);
}

/** Without Dawn: a package or what the host lacks. Dawn's own answer takes the load. */
function webgpuSkipReason(context: LoaderContext): string | undefined {
  return webgpuNotInstalled((name) => findNativePackage(name, context.notebookDir)) ?? hostProblem(context.webgpuHost ?? systemWebGpuHost, false);
}

async function loadNative(name: string, dir: string, id: "gpu" | "node", diagnosis: () => string): Promise<LoadedBackend> {
  const version = packageVersionAt(dir);
  try {
    require(dir);
  } catch (error) {
    throw new BackendUnavailable(`${name} ${version} is installed (${dir}) but does not load: ${firstLine(error)}${id === "gpu" ? ` ${diagnosis()}` : ""}`);
  }
  // The tfjs that the native package itself uses: cells must get that very instance.
  const tfjsDir = findPackageDir(TFJS_PACKAGE, [dir]);
  if (!tfjsDir) throw new BackendUnavailable(`${name} ${version} loaded, but its ${TFJS_PACKAGE} cannot be found`);
  const tf = requireTfjs(tfjsDir);
  await startBackend(tf, "tensorflow");
  const native = { name, dir };
  return { id, tf, tfjsDir, native, description: `CPU (${name})`, devices: [cpuDevice()] };
}

function requireTfjs(dir: string): Tfjs {
  return require(dir) as Tfjs;
}

function cpuDevice(): string {
  const all = cpus();
  return `CPU: ${all[0]?.model.trim() || "unknown"} (${all.length} core${all.length === 1 ? "" : "s"})`;
}

function notInstalled(name: string): string {
  return `package ${name} is not installed (npm install ${name} in the notebook's folder or next to the kernel)`;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
