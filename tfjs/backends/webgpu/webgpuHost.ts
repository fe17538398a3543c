// What this machine offers WebGPU before Dawn loads: on Linux, Dawn reaches the GPU through Vulkan, so it needs the
// Vulkan loader and a GPU device file; a missing one is said here in plain words, without starting anything.
import { existsSync, readdirSync } from "node:fs";
import { systemCudaProbe } from "../cudaDiagnostics";
import { libraryFinder, systemLibraryLookup, type LibraryLookup } from "../sharedLibraries";
import { probeAdapter, type AdapterProbe } from "./adapterProbe";

/** The Vulkan loader's soname, which Dawn opens at run time on Linux. */
const VULKAN_LOADER = "libvulkan.so.1";

export interface WebGpuHost extends LibraryLookup {
  platform: NodeJS.Platform;
  /** The device files GPU drivers are reached through on Linux: DRM render nodes, NVIDIA's, WSL's. */
  gpuDeviceFiles(): string[];
  /** GPU names from nvidia-smi, which name the device Dawn only has an identifier for; empty where it cannot run. */
  gpuNames(): string[];
  /** Asks Dawn, in a child process, for the adapter it would use. */
  probeAdapter(webgpuDir: string): Promise<AdapterProbe>;
}

export const systemWebGpuHost: WebGpuHost = {
  ...systemLibraryLookup,
  platform: process.platform,
  gpuDeviceFiles,
  gpuNames: () => systemCudaProbe.gpuNames() ?? [],
  probeAdapter,
};

function gpuDeviceFiles(): string[] {
  const renderNodes = listDir("/dev/dri").filter((name) => name.startsWith("renderD")).map((name) => `/dev/dri/${name}`);
  const nvidia = listDir("/dev").filter((name) => /^nvidia\d+$/.test(name)).map((name) => `/dev/${name}`);
  return [...renderNodes, ...nvidia, ...(existsSync("/dev/dxg") ? ["/dev/dxg"] : [])];
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Why WebGPU cannot run on this host, known without loading Dawn; undefined when Dawn is to be asked.
 * A forced backend skips the device-file check, so Dawn itself says what it finds.
 */
export function hostProblem(host: WebGpuHost, forced: boolean): string | undefined {
  if (host.platform !== "linux") return undefined;
  // First, and without a process: most machines without a GPU stop here, at every kernel start.
  if (!forced && host.gpuDeviceFiles().length === 0) {
    return "no hardware adapter: this machine shows no GPU device (no /dev/dri/renderD*, /dev/nvidia0 or /dev/dxg; a container needs the GPU passed in)";
  }
  if (!libraryFinder(host)(VULKAN_LOADER)) {
    return `no Vulkan loader: ${VULKAN_LOADER} is not in the loader cache or LD_LIBRARY_PATH (Debian and Ubuntu: apt install libvulkan1; the GPU driver brings the Vulkan driver itself)`;
  }
  return undefined;
}
