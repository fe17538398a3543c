// tfjs' WebGPU backend on Dawn's Node binding (the webgpu package): a GPU through the graphics driver alone, with no
// CUDA install. Dawn is asked first in a child process (adapterProbe.ts), so a missing Vulkan driver, a software-only
// adapter or a crashing driver is a reason shown to the user, and the kernel loads Dawn only when it will run.
import { findPackageDir } from "../../../common/packageLookup";
import { BackendUnavailable, type LoadedBackend } from "../chooseBackend";
import { startBackend } from "../startBackend";
import { TFJS_CORE_PACKAGE, packageVersionAt } from "../tfjsPackages";
import type { Tfjs } from "../../tfjsModule";
import type { AdapterProbe } from "./adapterProbe";
import { adapterName, isSoftwareAdapter } from "./adapterName";
import type { DawnAdapter, DawnDevice, DawnGpu } from "./dawnTypes";
import { importDawn } from "./importDawn";
import { hostProblem, type WebGpuHost } from "./webgpuHost";

export const WEBGPU_PACKAGE = "webgpu";
const WEBGPU_BACKEND_PACKAGE = "@tensorflow/tfjs-backend-webgpu";
/** Set to 1 to run on a software adapter (lavapipe, SwiftShader): for tests; it is slower than the wasm backend. */
export const WEBGPU_SOFTWARE_ENV = "TFJS_STUDIO_WEBGPU_SOFTWARE";
/** How long an exit waits for Dawn to settle a destroyed device. */
const RELEASE_WAIT_MS = 5000;

export interface WebGpuLoadOptions {
  forced: boolean;
  host: WebGpuHost;
  /** An optional package's folder, looked up as the native packages are. */
  findPackage(name: string): string | undefined;
  /** The kernel's tfjs: the WebGPU backend registers its kernels in that tfjs' core. */
  tf: Tfjs;
  tfjsDir: string;
  allowSoftware: boolean;
}

type WebGpuBackendClass = new (device: DawnDevice, info: DawnAdapter["info"]) => ReturnType<Tfjs["backend"]>;
type WebGpuBackendModule = { WebGPUBackend: WebGpuBackendClass };
type TensorData = { values?: unknown; dtype: string; complexTensorInfos?: unknown };
type ReadSync = (this: { tensorMap: { get(dataId: object): TensorData } }, dataId: object) => unknown;

export async function loadWebGpu(options: WebGpuLoadOptions): Promise<LoadedBackend> {
  const dawnDir = options.findPackage(WEBGPU_PACKAGE);
  const backendDir = options.findPackage(WEBGPU_BACKEND_PACKAGE);
  if (!dawnDir || !backendDir) throw new BackendUnavailable(webgpuNotInstalled(options.findPackage));
  const problem = hostProblem(options.host, options.forced);
  if (problem) throw new BackendUnavailable(problem);
  checkSameCore(backendDir, options.tfjsDir);
  refuseProbe(await options.host.probeAdapter(dawnDir), options.allowSoftware);

  const dawn = await importDawn(dawnDir);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new BackendUnavailable("no hardware adapter: Dawn found one in its probe, but none when the kernel asked");
  const name = adapterName(adapter.info, options.host.gpuNames());
  const device = await adapter.requestDevice(deviceDescriptor(adapter)).catch((error: unknown) => {
    throw new BackendUnavailable(`the adapter ${name} gave no device: ${(error as Error)?.message ?? String(error)}`);
  });
  const { tf } = options;
  try {
    exposeWebGpu(gpu, dawn.globals);
    const { WebGPUBackend } = require(backendDir) as WebGpuBackendModule;
    explainSyncReads(WebGPUBackend);
    // Registered by us, with our device: the package registers its own only where a browser's navigator.gpu was there at load.
    if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => new WebGPUBackend(device, adapter.info), 3);
    await startBackend(tf, "webgpu");
  } catch (error) {
    device.destroy();
    throw error;
  }
  void device.lost.then((lost) => {
    if (lost.reason !== "destroyed") console.error(`The GPU device was lost (${lost.reason}): ${lost.message}. Restart the kernel to use the GPU again.`);
  });
  const software = isSoftwareAdapter(adapter.info) ? ", software" : "";
  return {
    id: "webgpu",
    tf,
    tfjsDir: options.tfjsDir,
    description: `GPU: ${name} (WebGPU${software}; driver ${adapter.info.description || "unnamed"})`,
    devices: [`GPU: ${name}`],
    release: () => releaseDevice(tf, device),
  };
}

/**
 * The driver frees a dead process's memory too, but Dawn must not be busy then: a read (mapAsync) still pending when
 * Node tears down makes Dawn's binding throw from native code, which aborts the process. Destroying the device ends
 * what is pending; its `lost` promise settles after those callbacks have run.
 */
async function releaseDevice(tf: Tfjs, device: DawnDevice): Promise<void> {
  try {
    tf.findBackend("webgpu")?.dispose();
    // A cell still running gets the cpu backend from here on: nothing new reaches Dawn.
    tf.removeBackend("webgpu");
  } finally {
    device.destroy();
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([device.lost, new Promise((resolve) => (timer = setTimeout(resolve, RELEASE_WAIT_MS)))]);
  clearTimeout(timer);
  // Callbacks Dawn delivers in the same turn as `lost` settle too.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Why the packages cannot be used, when one of them is not installed. */
export function webgpuNotInstalled(findPackage: (name: string) => string | undefined): string | undefined {
  const missing = [WEBGPU_PACKAGE, WEBGPU_BACKEND_PACKAGE].filter((name) => !findPackage(name));
  if (missing.length === 0) return undefined;
  return `package ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not installed (npm install ${WEBGPU_PACKAGE} ${WEBGPU_BACKEND_PACKAGE} in the notebook's folder or next to the kernel)`;
}

/** Two tfjs-cores would be two engines: the backend's kernels would never reach the cells' tfjs. */
function checkSameCore(backendDir: string, tfjsDir: string): void {
  const backendCore = findPackageDir(TFJS_CORE_PACKAGE, [backendDir]);
  const kernelCore = findPackageDir(TFJS_CORE_PACKAGE, [tfjsDir]);
  if (backendCore !== kernelCore) {
    const version = (dir: string | undefined) => (dir ? packageVersionAt(dir) : "none");
    throw new BackendUnavailable(`${WEBGPU_BACKEND_PACKAGE} (${backendDir}) uses ${TFJS_CORE_PACKAGE} ${version(backendCore)}, not the kernel's ${version(kernelCore)}: install ${WEBGPU_BACKEND_PACKAGE}@${version(kernelCore)} next to it`);
  }
}

function refuseProbe(probe: AdapterProbe, allowSoftware: boolean): void {
  const dawnSays = probe.warnings.length > 0 ? `; Dawn says: ${probe.warnings.join("; ")}` : "";
  if (probe.failure) throw new BackendUnavailable(`Dawn could not be asked for an adapter: ${probe.failure}${dawnSays}`);
  if (!probe.adapter) {
    const feature = probe.warnings.some((warning) => / required|not supported|missing/i.test(warning));
    throw new BackendUnavailable(`${feature ? "a device feature Dawn needs is missing, so it offers no adapter" : "no hardware adapter: Dawn found no GPU it can use"}${dawnSays}`);
  }
  if (probe.adapter.fallback && !allowSoftware) {
    throw new BackendUnavailable(`only a software adapter: ${adapterName(probe.adapter)} (${probe.adapter.description}), which emulates a GPU on the CPU, slower than the wasm backend (${WEBGPU_SOFTWARE_ENV}=1 uses it anyway)`);
  }
}

/**
 * tfjs' WebGPU backend reads a GPU tensor synchronously through an OffscreenCanvas, which Node lacks: such a read
 * failed with "OffscreenCanvas is not defined". Values already on the CPU are still read; the rest get a way out.
 */
function explainSyncReads(backend: WebGpuBackendClass): void {
  const prototype = backend.prototype as { readSync: ReadSync };
  const readSync = prototype.readSync;
  prototype.readSync = function (dataId) {
    const data = this.tensorMap.get(dataId);
    if (data.values != null || data.dtype === "string" || data.complexTensorInfos) return readSync.call(this, dataId);
    throw new Error("a tensor on the GPU cannot be read synchronously on the WebGPU backend in Node (dataSync, arraySync, print, toString): read it with await tensor.data() or await tensor.array()");
  };
}

/** What tfjs' own WebGPU registration asks for: the adapter's full limits, and timestamps where there are. */
function deviceDescriptor(adapter: DawnAdapter) {
  const limits = ["maxComputeWorkgroupStorageSize", "maxComputeWorkgroupsPerDimension", "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupSizeX", "maxComputeInvocationsPerWorkgroup"];
  return {
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: Object.fromEntries(limits.map((name) => [name, adapter.limits[name]])),
  };
}

/** tfjs' backend reads GPUBufferUsage and its kin as globals and checks navigator.gpu, as in a browser; cells get them too. */
function exposeWebGpu(gpu: DawnGpu, globals: Record<string, unknown>): void {
  const scope = globalThis as Record<string, unknown> & { navigator?: Record<string, unknown> };
  for (const [name, value] of Object.entries(globals)) if (!(name in scope)) scope[name] = value;
  if (!scope.navigator) scope.navigator = {};
  if (!scope.navigator.gpu) Object.defineProperty(scope.navigator, "gpu", { value: gpu, configurable: true, enumerable: true });
}
