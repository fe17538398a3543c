// The GPU offer for a host with an NVIDIA GPU: the kernel's CUDA/cuDNN diagnosis run there (from the runtime), and,
// when tfjs-node-gpu is not installed there and the user says yes, its install with the host's npm into
// <root>/native/<tfjs version>, where the kernels started afterwards find it (TFJS_STUDIO_NATIVE_PACKAGES).
import { quote } from "shell-quote";
import { GPU_PACKAGE, NATIVE_PACKAGES_ENV, type HostGpuReport } from "../../protocol/hostGpuReport";
import { OutputTail } from "../outputTail";
import type { RemoteGpu } from "./hostProbe";
import { RUNTIME_GPU_REPORT } from "./kernelRuntime";
import type { RemoteHost } from "./remoteHost";
import { RemoteHostError } from "./remoteHostError";

/** How much of npm's output a failed install shows. */
const TAIL_LINES = 20;

export interface GpuOffer {
  /** The host as the user named it. */
  host: string;
  gpus: RemoteGpu[];
  report: HostGpuReport;
  /** e.g. "@tensorflow/tfjs-node-gpu@4.22.0": the version of the kernel's @tensorflow/tfjs. */
  packageSpec: string;
  /** Where it would be installed on the host (npm's --prefix). */
  folder: string;
}

/** What the user is asked, and told when an install fails; absent, nothing is offered. */
export interface GpuOfferHandler {
  /** True installs the package now. */
  offer(offer: GpuOffer): Promise<boolean>;
  /** The install failed; the kernel starts without it. */
  failed(error: Error): void;
}

/** The host's folder for native packages installed for this tfjs version, which its kernels search. */
export function nativePackagesDir(host: RemoteHost, tfjsVersion: string): string {
  return `${host.root}/native/${tfjsVersion}`;
}

/** The environment that lets a kernel find what the GPU offer installed. */
export function nativePackagesEnv(folder: string): Record<string, string> {
  return { [NATIVE_PACKAGES_ENV]: folder };
}

/**
 * On a host with a GPU and no tfjs-node-gpu: diagnoses CUDA there, offers the install, and runs it when accepted.
 * Nothing here stops the kernel from starting: a failed check is a progress line, a failed install goes to
 * handler.failed.
 */
export async function offerGpuPackage(host: RemoteHost, runtimeDir: string, tfjsVersion: string, cwd: string | undefined, handler: GpuOfferHandler, progress: (text: string) => void): Promise<void> {
  if (host.gpus.length === 0) return;
  const where = host.connection.destination.label;
  const folder = nativePackagesDir(host, tfjsVersion);
  // Installed by an earlier offer: one stat over SFTP tells, without the report's command and its shell start-up.
  if (await host.exists(`${folder}/node_modules/${GPU_PACKAGE}/package.json`)) return;
  let report: HostGpuReport;
  try {
    report = await gpuReport(host, runtimeDir, folder, cwd ?? host.home);
  } catch (error) {
    progress(`could not check the CUDA setup on ${where}: ${(error as Error).message}`);
    return;
  }
  if (report.installed) return;
  const offer: GpuOffer = { host: where, gpus: host.gpus, report, packageSpec: `${GPU_PACKAGE}@${tfjsVersion}`, folder };
  if (!(await handler.offer(offer))) return;
  try {
    await installGpuPackage(host, offer, progress);
    progress(`installed ${offer.packageSpec} in ${folder} on ${where}`);
  } catch (error) {
    handler.failed(error as Error);
  }
}

/** "NVIDIA H100 80GB HBM3 found on gpu-box. Install @tensorflow/tfjs-node-gpu there? (needs CUDA 11.2 and cuDNN 8.1: …)" */
export function gpuOfferQuestion(offer: GpuOffer): string {
  return `${gpuNames(offer.gpus)} found on ${offer.host}. Install ${GPU_PACKAGE} there? (needs ${offer.report.requirement}: ${cudaSituation(offer.report)})`;
}

/** The GPUs in a few words: "NVIDIA A100-SXM4-40GB", "2× NVIDIA H100", "NVIDIA Tesla T4 and NVIDIA A10". */
export function gpuNames(gpus: RemoteGpu[]): string {
  const names = gpus.map((gpu) => (/^nvidia\b/i.test(gpu.name) ? gpu.name : `NVIDIA ${gpu.name}`));
  const distinct = [...new Set(names)];
  if (distinct.length === 1) return names.length > 1 ? `${names.length}× ${distinct[0]}` : distinct[0];
  return `${distinct.slice(0, -1).join(", ")} and ${distinct.at(-1)}`;
}

/** The CUDA/cuDNN situation in a few words, for a question; the report's description has it in full. */
export function cudaSituation(report: HostGpuReport): string {
  const problems = [...(report.driverFound ? [] : ["no NVIDIA driver library found"]), ...(report.missing.length > 0 ? [`${report.missing.join(", ")} not found`] : [])];
  return problems.length > 0 ? problems.join("; ") : "all found there";
}

async function gpuReport(host: RemoteHost, runtimeDir: string, folder: string, cwd: string): Promise<HostGpuReport> {
  const command = `${NATIVE_PACKAGES_ENV}=${quote([folder])} ${quote([host.node, `${runtimeDir}/${RUNTIME_GPU_REPORT}`, cwd])}`;
  const { code, stdout, stderr } = await host.connection.exec(command);
  if (code !== 0) throw new RemoteHostError(`the check exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return JSON.parse(stdout) as HostGpuReport;
}

/** npm install --prefix <folder> <package>, its output shown line by line; a failure says why with npm's last lines. */
async function installGpuPackage(host: RemoteHost, offer: GpuOffer, progress: (text: string) => void): Promise<void> {
  const where = host.connection.destination.label;
  const by = `npm install --prefix ${offer.folder} ${offer.packageSpec}`;
  if (!host.npm) throw new RemoteHostError(`npm is not installed on ${where} (none on the PATH, nor beside ${host.node}): install it there, or install ${GPU_PACKAGE} there yourself (${by})`);
  progress(`installing ${offer.packageSpec} on ${where} into ${offer.folder} (its install script downloads libtensorflow with CUDA support)`);
  const tail = new OutputTail(TAIL_LINES);
  tail.onLine((line) => {
    if (line.trim()) progress(`npm: ${line.trimEnd()}`);
  });
  const collect = tail.collector();
  // Progress bars redraw with \r: each redraw is a line.
  const onOutput = (chunk: string) => collect(chunk.replace(/\r\n?/g, "\n"));
  // npm and the package's install script run node by name: the host's node goes first on their PATH.
  const nodeDir = host.node.slice(0, host.node.lastIndexOf("/")) || "/";
  const command = `mkdir -p ${quote([offer.folder])} && PATH=${quote([nodeDir])}:"$PATH" ${quote([host.npm, "install", "--prefix", offer.folder, "--no-audit", "--no-fund", "--foreground-scripts", offer.packageSpec])}`;
  const { code } = await host.connection.exec(command, undefined, onOutput);
  if (code === 0) return;
  // The first line says it all, for a notification; npm's own words follow.
  throw new RemoteHostError(
    `installing ${offer.packageSpec} on ${where} failed (npm exited with ${code}). ` +
      `${GPU_PACKAGE}'s install downloads libtensorflow from Google's storage (storage.googleapis.com): a host that cannot reach it cannot install it this way. ` +
      `To retry, connect again, or run there: ${by}\nnpm's last lines:\n${tail.text().replace(/\n{2,}/g, "\n")}`,
  );
}
