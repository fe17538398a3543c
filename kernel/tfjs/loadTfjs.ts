// Loads tfjs on the backend selectBackend picks, once (when the kernel is first idle, or a cell imports something
// first), and makes it the one instance that cells, local files and the kernel share: the kernel's glue (announcing
// the choice early, the require hook, file:// routing relative to the notebook, the runtime view).
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

let loading: Promise<TfjsRuntimeInfo> | undefined;

/** Starts the load the first time it is called; every call gets the same outcome. */
export function startTfjsLoad(options: LoadTfjsOptions): Promise<TfjsRuntimeInfo> {
  return (loading ??= loadTfjs(options));
}

/** Never rejects: a failure is a runtime with status "failed" and the reason, shown to the user. */
async function loadTfjs(options: LoadTfjsOptions): Promise<TfjsRuntimeInfo> {
  const setting = options.setting?.trim();
  let info: TfjsRuntimeInfo;
  try {
    // The caller can publish what announceTfjsChoice said before the synchronous part of the load blocks this thread.
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

/** Said at kernel start, so kernel_info need not wait for the load when its outcome is certain. */
export function announceTfjsChoice(options: LoadTfjsOptions): void {
  const setting = options.setting?.trim();
  let forced: ReturnType<typeof parseBackendSetting>;
  try {
    forced = parseBackendSetting(setting);
  } catch {
    // An unknown name: the load fails with the same error, for kernel_info and every tfjs import to say.
    return;
  }
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
