// What a process knows about its tfjs: loading, ready with a backend, or failed, and why. The kernel reports it in
// kernel_info and its runtime view.
import type { BackendId } from "./backendNames";
import type { Skipped } from "./chooseBackend";

export interface TfjsRuntimeInfo {
  status: "loading" | "ready" | "failed";
  /** The kernel's choice: gpu, node, wasm or cpu. */
  backend?: BackendId;
  /** tfjs's own name for the backend in use (tf.getBackend()). */
  tfjsBackend?: string;
  /** e.g. "wasm (SIMD, 2 threads)" */
  description?: string;
  /** The @tensorflow/tfjs version cells get. */
  version?: string;
  devices: string[];
  simd?: boolean;
  threads?: number;
  /** Why `threads` is fewer than asked (TFJS_STUDIO_THREADS or the physical cores), e.g. "threads unavailable: <reason>". */
  threadsNote?: string;
  /** The TFJS_STUDIO_BACKEND value, when it forced the choice. */
  forced?: string;
  /** Better backends that were not used, with the reason. */
  skipped: Skipped[];
  /** Why tfjs cannot be used, when status is "failed". */
  error?: string;
  /** Milliseconds from the start of loading to ready. */
  loadMs?: number;
}
