// `runtime` from "tfjs-studio": the backend, version and devices in use, live, shown as a table.
import { inspect } from "node:util";
import { JUPYTER_DISPLAY } from "../inKernelModules/mimeBundle";
import { runtimeHtml, runtimeSummary, runtimeText } from "./runtimeDescription";
import { tfjsRuntime } from "./tfjsRuntime";
import type { TfjsRuntimeInfo } from "../../tfjs/backends/runtimeInfo";

function field<K extends keyof TfjsRuntimeInfo>(key: K) {
  return { get: () => tfjsRuntime()[key], enumerable: true };
}

export const runtime = Object.defineProperties(
  {
    /** One line, e.g. "TensorFlow.js 4.22.0 on wasm (SIMD, 1 thread)". */
    toString: () => runtimeSummary(tfjsRuntime()),
    toJSON: () => ({ ...tfjsRuntime() }),
    [JUPYTER_DISPLAY]: () => ({ "text/plain": runtimeText(tfjsRuntime()), "text/html": runtimeHtml(tfjsRuntime()) }),
    [inspect.custom]: () => runtimeText(tfjsRuntime()),
  },
  {
    status: field("status"),
    backend: field("backend"),
    tfjsBackend: field("tfjsBackend"),
    description: field("description"),
    version: field("version"),
    devices: field("devices"),
    simd: field("simd"),
    threads: field("threads"),
    threadsNote: field("threadsNote"),
    forced: field("forced"),
    skipped: field("skipped"),
    error: field("error"),
  },
);
