// The kernel's tfjs state: what is known while it loads, and once it is settled (ready or failed).
import type { TfjsRuntimeInfo } from "../../tfjs/backends/runtimeInfo";

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
