// Loads tfjs at kernel start on the backend selectBackend picks, and makes it the one instance that cells,
// local files and the kernel share: the kernel's glue (announcing the choice early, the require hook, file://
// routing relative to the notebook, the runtime view).
import { parseBackendSetting } from "../../tfjs/backends/backendNames";
import { predictChoice, type LoaderContext } from "../../tfjs/backends/backendLoaders";
import type { LoadedBackend } from "../../tfjs/backends/chooseBackend";
import { registerFileSystemIO } from "../../tfjs/io/fileSystemIO";
import { selectBackend } from "../../tfjs/backends/selectBackend";
import { provideTfjs } from "./sharedTfjs";
import { installTfjsResolveHook, setTfjsHome } from "./tfjsModuleMap";
import { kernelTfjsDir, packageVersionAt } from "../../tfjs/backends/tfjsPackages";
import { announceTfjsRuntime, settleTfjsRuntime } from "./tfjsRuntime";
import type { TfjsRuntimeInfo } from "../../tfjs/backends/runtimeInfo";

export interface LoadTfjsOptions extends LoaderContext {
  /** The TFJS_STUDIO_BACKEND value. */
  setting?: string;
}

/** Never rejects: a failure is a runtime with status "failed" and the reason, shown to the user. */
export async function loadTfjs(options: LoadTfjsOptions): Promise<TfjsRuntimeInfo> {
  const setting = options.setting?.trim();
  let info: TfjsRuntimeInfo;
  try {
    announcePrediction(options, setting);
    // The caller can publish that before the synchronous part of the load blocks this thread.
    await new Promise(setImmediate);
    const { loaded, runtime } = await selectBackend(options);
    prepare(loaded, options.notebookDir);
    info = runtime;
    // Before settling: a hook that throws here leaves tfjs failed with its error, not half set up.
    provideTfjs(loaded.tf);
    settleTfjsRuntime(info);
  } catch (error) {
    info = { status: "failed", devices: [], skipped: [], forced: setting || undefined, error: (error as Error).message };
    settleTfjsRuntime(info);
  }
  installTfjsResolveHook();
  return info;
}

/** Said at once, so kernel_info need not wait for the load when the outcome is certain. */
function announcePrediction(options: LoaderContext, setting: string | undefined): void {
  const forced = parseBackendSetting(setting);
  const predicted = predictChoice(options, forced);
  if (!predicted) return;
  const { id, ...facts } = predicted;
  announceTfjsRuntime({ status: "loading", backend: id, ...facts, version: packageVersionAt(kernelTfjsDir()), forced: forced && setting });
}

function prepare(loaded: LoadedBackend, notebookDir: string): void {
  setTfjsHome(loaded);
  releaseBackend = loaded.release;
  // tfjs-node and tfjs-node-gpu bring their own file:// handler, in the same format.
  if (!loaded.native) registerFileSystemIO(loaded.tf, notebookDir);
}

let releaseBackend: (() => Promise<void>) | undefined;

/** Before the kernel exits: frees the backend's device (WebGPU's), whatever it says, a device already lost included. */
export async function releaseTfjs(): Promise<void> {
  await releaseBackend?.().catch(() => undefined);
}
