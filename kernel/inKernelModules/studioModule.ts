// The in-kernel module `import ... from "tfjs-studio"`. Its types are in kernel/types/tfjs-studio.d.ts.
import type { CommData, CommTargetHandler } from "../comms/commRegistry";
import { cacheDir } from "../cacheDir";
import { DownloadError, downloadFile } from "../datasets/download";
import { clearOutput, display } from "./display";
import { kernelIO } from "./kernelIO";
import { registerDisplayFormatter } from "./mimeBundle";
import { tensorToPng, toPng } from "../../common/png";
import { metricsCallback } from "../training/installTraining";
import { trainingMetrics } from "../training/trainingSettings";
import { runtime } from "../tfjs/runtimeView";

export function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  return kernelIO().requestInput(prompt, Boolean(options.password));
}

export const studioModule = {
  display,
  clearOutput,
  input,
  registerDisplayFormatter,
  metricsCallback,
  trainingMetrics,
  runtime,
  registerCommTarget: (targetName: string, handler: CommTargetHandler) => kernelIO().comms.registerCommTarget(targetName, handler),
  openComm: (targetName: string, data?: CommData, metadata?: Record<string, unknown>) => kernelIO().comms.openComm(targetName, data, metadata),
  downloadFile,
  cacheDir,
  DownloadError,
  toPng,
  tensorToPng,
};
