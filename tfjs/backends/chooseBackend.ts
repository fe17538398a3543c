// The backend choice: the forced backend or nothing, else the best one that loads, with the reason
// each better one was skipped.
import { BACKEND_ENV, BACKEND_LABELS, BACKEND_ORDER, type BackendId } from "./backendNames";
import type { Tfjs } from "../tfjsModule";

export interface LoadedBackend {
  id: BackendId;
  /** The tfjs namespace, with this backend set and ready. */
  tf: Tfjs;
  /** The @tensorflow/tfjs directory that `tf` was loaded from: cells' tfjs imports resolve from there. */
  tfjsDir: string;
  /** The native package in use (tfjs-node or tfjs-node-gpu): what cells importing either one get. */
  native?: { name: string; dir: string };
  /** Short and human, e.g. "wasm (SIMD, 1 thread)". */
  description: string;
  devices: string[];
  simd?: boolean;
  threads?: number;
  /** Why the backend runs fewer threads than asked, e.g. "threads unavailable: <reason>". */
  threadsNote?: string;
  /**
   * Frees what the backend holds outside the process's memory (a GPU device), before the process exits: resolves
   * once the backend's native callbacks have run, so that none is left to fire while Node tears down.
   */
  release?: () => Promise<void>;
}

/** Thrown by a loader when its backend cannot be used here; the message says why. */
export class BackendUnavailable extends Error {
  override name = "BackendUnavailable";
}

/** Loads one backend; `forced` says the user asked for exactly this one, so it should explain itself fully. */
export type BackendLoader = (forced: boolean) => Promise<LoadedBackend>;

export interface Skipped {
  backend: BackendId;
  reason: string;
}

export interface BackendChoice {
  loaded: LoadedBackend;
  forced?: BackendId;
  skipped: Skipped[];
}

export class ForcedBackendError extends Error {
  override name = "ForcedBackendError";
  constructor(readonly backend: BackendId, setting: string, reason: string) {
    super(`${BACKEND_ENV}=${setting} asks for the ${BACKEND_LABELS[backend]} backend, which cannot be used: ${reason}\n` +
      `Fix that, or unset ${BACKEND_ENV} (or set it to "auto") so the kernel chooses the best backend that loads.`);
  }
}

export async function chooseBackend(loaders: Record<BackendId, BackendLoader>, forced?: { backend: BackendId; setting: string }): Promise<BackendChoice> {
  if (forced) {
    try {
      return { loaded: await loaders[forced.backend](true), forced: forced.backend, skipped: [] };
    } catch (error) {
      throw new ForcedBackendError(forced.backend, forced.setting, reasonOf(error));
    }
  }
  const skipped: Skipped[] = [];
  for (const backend of BACKEND_ORDER) {
    try {
      return { loaded: await loaders[backend](false), skipped };
    } catch (error) {
      skipped.push({ backend, reason: reasonOf(error) });
    }
  }
  throw new Error(`no tfjs backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}`);
}

function reasonOf(error: unknown): string {
  // An unexpected failure keeps its stack: it is a bug to report, not a missing install.
  return error instanceof BackendUnavailable ? error.message : String((error as Error)?.stack ?? error);
}
