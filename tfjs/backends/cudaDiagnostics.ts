// Why tfjs-node-gpu cannot use a GPU here: its libtensorflow (TensorFlow 2.9) loads the NVIDIA
// driver and the CUDA 11.2 / cuDNN 8.1 libraries by these sonames at run time, and falls back to
// the CPU when one is missing. We look for them the way the dynamic loader does.
import { libraryFinder, runQuietly, systemLibraryLookup, type LibraryLookup } from "./sharedLibraries";

export const CUDA_REQUIREMENT = "CUDA 11.2 and cuDNN 8.1";

/** The sonames TensorFlow 2.9's dso_loader opens for CUDA 11.2 and cuDNN 8.1. */
export const CUDA_LIBRARIES = [
  "libcudart.so.11.0",
  "libcublas.so.11",
  "libcublasLt.so.11",
  "libcufft.so.10",
  "libcurand.so.10",
  "libcusolver.so.11",
  "libcusparse.so.11",
  "libcudnn.so.8",
] as const;

/** Installed with the NVIDIA driver, not with CUDA. */
export const DRIVER_LIBRARY = "libcuda.so.1";

export interface CudaReport {
  driverFound: boolean;
  /** GPU names from nvidia-smi, when it is there and sees any. */
  gpus: string[];
  missing: string[];
}

export interface CudaProbe extends LibraryLookup {
  /** Lines of `nvidia-smi --query-gpu=name`, or undefined when it cannot run. */
  gpuNames(): string[] | undefined;
}

export const systemCudaProbe: CudaProbe = {
  ...systemLibraryLookup,
  gpuNames: () => runQuietly("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"])?.split("\n").map((line) => line.trim()).filter(Boolean),
};

export function checkCuda(probe: CudaProbe = systemCudaProbe): CudaReport {
  const found = libraryFinder(probe);
  const gpus = probe.gpuNames() ?? [];
  return { driverFound: found(DRIVER_LIBRARY) || gpus.length > 0, gpus, missing: CUDA_LIBRARIES.filter((soname) => !found(soname)) };
}

/** One paragraph for an error message: what tfjs-node-gpu needs and what is missing here. */
export function describeCudaReport(report: CudaReport): string {
  const problems: string[] = [];
  if (!report.driverFound) problems.push(`no NVIDIA driver found (${DRIVER_LIBRARY} is not in the loader cache or LD_LIBRARY_PATH, and nvidia-smi shows no GPU)`);
  if (report.missing.length > 0) problems.push(`missing ${report.missing.join(", ")}`);
  const status = problems.length > 0 ? problems.join("; ") : `all of ${CUDA_LIBRARIES.join(", ")} were found`;
  return `tfjs-node-gpu 4.x (TensorFlow 2.9) needs an NVIDIA driver and ${CUDA_REQUIREMENT} (${CUDA_LIBRARIES.join(", ")}) on the loader path: ${status}.`;
}
