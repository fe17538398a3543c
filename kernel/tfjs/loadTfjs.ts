// Loads tfjs at kernel start on the best backend (or the one TFJS_STUDIO_BACKEND forces), and
// makes it the one instance that cells, local files and the kernel share.
import { performance } from "node:perf_hooks";
import { parseBackendSetting } from "./backendNames";
import { backendLoaders, predictChoice, type LoaderContext } from "./backendLoaders";
import { dropEmscriptenProcessHandlers } from "./emscriptenProcessHandlers";
import { chooseBackend, type LoadedBackend } from "./chooseBackend";
import { registerFileSystemIO } from "./fileSystemIO";
import { provideTfjs, type Tfjs } from "./sharedTfjs";
import { installTfjsResolveHook, setTfjsHome } from "./tfjsModuleMap";
import { kernelTfjsDir, packageVersionAt } from "./tfjsPackages";
import { announceTfjsRuntime, settleTfjsRuntime, type TfjsRuntimeInfo } from "./tfjsRuntime";

export interface LoadTfjsOptions extends LoaderContext {
  /** The TFJS_STUDIO_BACKEND value. */
  setting?: string;
}

/** Never rejects: a failure is a runtime with status "failed" and the reason, shown to the user. */
export async function loadTfjs(options: LoadTfjsOptions): Promise<TfjsRuntimeInfo> {
  const start = performance.now();
  // Also when a cell switches to wasm later on.
  dropEmscriptenProcessHandlers();
  const setting = options.setting?.trim();
  let info: TfjsRuntimeInfo;
  try {
    const forced = parseBackendSetting(setting);
    // Said at once, so kernel_info need not wait for the load when the outcome is certain.
    const predicted = predictChoice(options, forced);
    if (predicted) {
      const { id, ...facts } = predicted;
      announceTfjsRuntime({ status: "loading", backend: id, ...facts, version: packageVersionAt(kernelTfjsDir()), forced: forced && setting });
    }
    // The caller can publish that before the synchronous part of the load blocks this thread.
    await new Promise(setImmediate);
    const { loaded, skipped } = await chooseBackend(backendLoaders(options), forced && { backend: forced, setting: setting! });
    prepare(loaded, options.notebookDir);
    info = {
      status: "ready",
      backend: loaded.id,
      tfjsBackend: loaded.tf.getBackend(),
      description: loaded.description,
      version: packageVersionAt(loaded.tfjsDir),
      devices: loaded.devices,
      simd: loaded.simd,
      threads: loaded.threads,
      forced: forced && setting,
      skipped,
      loadMs: Math.round(performance.now() - start),
    };
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

function prepare(loaded: LoadedBackend, notebookDir: string): void {
  setTfjsHome(loaded);
  silenceNodeAdvert(loaded.tf);
  // tfjs-node and tfjs-node-gpu bring their own file:// handler, in the same format.
  if (!loaded.native) registerFileSystemIO(loaded.tf, notebookDir);
}

/** The cpu backend's "install our node backend" banner is noise here: `runtime` tells the backend story. */
function silenceNodeAdvert(tf: Tfjs): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}
