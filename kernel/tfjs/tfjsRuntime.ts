// What the kernel knows about its tfjs: loading, ready with a backend, or failed, and why.
import type { BackendId } from "./backendNames";
import type { Skipped } from "./chooseBackend";

export interface TfjsRuntimeInfo {
  status: "loading" | "ready" | "failed";
  /** The kernel's choice: gpu, node, wasm or cpu. */
  backend?: BackendId;
  /** tfjs's own name for the backend in use (tf.getBackend()). */
  tfjsBackend?: string;
  /** e.g. "wasm (SIMD, 1 thread)" */
  description?: string;
  /** The @tensorflow/tfjs version cells get. */
  version?: string;
  devices: string[];
  simd?: boolean;
  threads?: number;
  /** The TFJS_STUDIO_BACKEND value, when it forced the choice. */
  forced?: string;
  /** Better backends that were not used, with the reason. */
  skipped: Skipped[];
  /** Why tfjs cannot be used, when status is "failed". */
  error?: string;
  /** Milliseconds from the start of loading to ready. */
  loadMs?: number;
}

let current: TfjsRuntimeInfo = { status: "loading", devices: [], skipped: [] };
let settle!: (info: TfjsRuntimeInfo) => void;
const settled = new Promise<TfjsRuntimeInfo>((resolve) => (settle = resolve));

export function tfjsRuntime(): TfjsRuntimeInfo {
  return current;
}

/** Resolves once tfjs is ready or has failed for good. */
export function tfjsSettled(): Promise<TfjsRuntimeInfo> {
  return settled;
}

/** While loading: what is already certain about the choice (see predictChoice). */
export function announceTfjsRuntime(info: TfjsRuntimeInfo): void {
  current = info;
}

/** The backend is known: ready, failed, or loading one that is certain to be the choice. */
export function backendKnown(info: TfjsRuntimeInfo): boolean {
  return info.status !== "loading" || info.description !== undefined;
}

export function settleTfjsRuntime(info: TfjsRuntimeInfo): void {
  current = info;
  settle(info);
}
