// Picks and initialises the best tfjs backend (or the one a setting forces) and says what it chose and why.
// It touches none of the kernel's globals (shared instance, require hook, file:// routing), so a model server
// or a script can use it as it is; loadTfjs.ts puts the kernel's glue on top.
import { performance } from "node:perf_hooks";
import { parseBackendSetting, type BackendId } from "./backendNames";
import { backendLoaders, type LoaderContext } from "./backendLoaders";
import { BackendUnavailable, chooseBackend, type LoadedBackend } from "./chooseBackend";
import { dropEmscriptenProcessHandlers } from "./emscriptenProcessHandlers";
import type { Tfjs } from "../tfjsModule";
import { packageVersionAt } from "./tfjsPackages";
import type { TfjsRuntimeInfo } from "./runtimeInfo";

export interface BackendSelection {
  loaded: LoadedBackend;
  /** The choice, its facts, and why each better backend was skipped. */
  runtime: TfjsRuntimeInfo;
}

export interface SelectBackendOptions extends LoaderContext {
  /** A TFJS_STUDIO_BACKEND value: gpu, node, wasm, cpu, an alias, or auto (the default). */
  setting?: string;
  /** Backends this process cannot work with, and why: skipped with that reason, and an error when forced. */
  unsupported?: Partial<Record<BackendId, string>>;
}

/** Rejects with the reason when no backend (or not the forced one) can be used. */
export async function selectBackend(options: SelectBackendOptions): Promise<BackendSelection> {
  const start = performance.now();
  // The wasm backend's emscripten would otherwise turn any later uncaught error into a process exit.
  dropEmscriptenProcessHandlers();
  const setting = options.setting?.trim();
  const forced = parseBackendSetting(setting);
  const loaders = backendLoaders(options);
  for (const [backend, reason] of Object.entries(options.unsupported ?? {}) as [BackendId, string][]) {
    loaders[backend] = () => Promise.reject(new BackendUnavailable(reason));
  }
  const { loaded, skipped } = await chooseBackend(loaders, forced && { backend: forced, setting: setting! });
  silenceNodeAdvert(loaded.tf);
  const runtime: TfjsRuntimeInfo = {
    status: "ready",
    backend: loaded.id,
    tfjsBackend: loaded.tf.getBackend(),
    description: loaded.description,
    version: packageVersionAt(loaded.tfjsDir),
    devices: loaded.devices,
    simd: loaded.simd,
    threads: loaded.threads,
    threadsNote: loaded.threadsNote,
    forced: forced && setting,
    skipped,
    loadMs: Math.round(performance.now() - start),
  };
  return { loaded, runtime };
}

/** The cpu backend's "install our node backend" banner is noise: the runtime description tells the backend story. */
function silenceNodeAdvert(tf: Tfjs): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}
