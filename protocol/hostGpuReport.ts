// What a remote host's GPU check (dist/cli/gpuReport.js, run there from the kernel runtime) prints as JSON for the
// client that offers to install tfjs-node-gpu, and the variable through which kernels find that install.

export const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";

/** Extra folders (path-delimited) whose node_modules the kernel searches for native tfjs packages, after the
 * notebook's folder: where the GPU offer installs @tensorflow/tfjs-node-gpu on a host. */
export const NATIVE_PACKAGES_ENV = "TFJS_STUDIO_NATIVE_PACKAGES";

export interface HostGpuReport {
  /** What tfjs-node-gpu needs, e.g. "CUDA 11.2 and cuDNN 8.1". */
  requirement: string;
  driverFound: boolean;
  /** The CUDA and cuDNN libraries the loader cannot find there. */
  missing: string[];
  /** The kernel's diagnosis in plain words: what tfjs-node-gpu needs and what the host lacks. */
  description: string;
  /** tfjs-node-gpu as a kernel there would find it, when it is installed. */
  installed?: { dir: string; version: string };
}
