// dist/cli/gpuReport.js, shipped in the kernel runtime and run by a remote host's Node when it has an NVIDIA GPU:
// prints, as JSON (protocol/hostGpuReport.ts), the kernel's CUDA/cuDNN diagnosis of that host and whether a kernel
// whose cells run in FOLDER (its first argument) would find tfjs-node-gpu, so that the client can offer to install it.
import { CUDA_REQUIREMENT, checkCuda, describeCudaReport } from "../tfjs/backends/cudaDiagnostics";
import { GPU_PACKAGE, findNativePackage, packageVersionAt } from "../tfjs/backends/tfjsPackages";
import type { HostGpuReport } from "../protocol/hostGpuReport";
import { ExitCode } from "./exitCodes";
import { runMain } from "./runMain";

runMain("tfjs-studio gpu report", () => {
  const cuda = checkCuda();
  const dir = findNativePackage(GPU_PACKAGE, process.argv[2] ?? process.cwd());
  const report: HostGpuReport = {
    requirement: CUDA_REQUIREMENT,
    driverFound: cuda.driverFound,
    missing: cuda.missing,
    description: describeCudaReport(cuda),
    installed: dir ? { dir, version: packageVersionAt(dir) } : undefined,
  };
  process.stdout.write(JSON.stringify(report));
  return Promise.resolve(ExitCode.Ok);
});
