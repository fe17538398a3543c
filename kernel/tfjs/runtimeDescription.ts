// How the tfjs runtime is shown: the banner line, kernel_info's `tfjs` field, and the text and
// HTML of `runtime` in a cell.
import { BACKEND_ENV, BACKEND_LABELS } from "../../tfjs/backends/backendNames";
import type { TfjsRuntimeInfo } from "../../tfjs/backends/runtimeInfo";
import type { KernelInfoTfjs } from "../../protocol/messageContents";
import { escapeHtml } from "../../protocol/escapeHtml";

export function runtimeSummary(info: TfjsRuntimeInfo): string {
  if (info.status === "failed") return `TensorFlow.js: unavailable: ${info.error?.split("\n")[0]}`;
  if (!info.description) return "TensorFlow.js: still choosing a backend";
  return `TensorFlow.js ${info.version} on ${info.description}${info.forced ? ` (forced by ${BACKEND_ENV}=${info.forced})` : ""}`;
}

/** The `tfjs` field of kernel_info_reply. */
export function kernelInfoTfjs(info: TfjsRuntimeInfo): KernelInfoTfjs {
  return {
    status: info.status,
    backend: info.backend ?? null,
    tfjs_backend: info.tfjsBackend ?? null,
    description: info.description ?? null,
    version: info.version ?? null,
    devices: info.devices,
    simd: info.simd ?? null,
    threads: info.threads ?? null,
    threads_note: info.threadsNote ?? null,
    forced: info.forced ?? null,
    skipped: info.skipped,
    error: info.error ?? null,
  };
}

function rows(info: TfjsRuntimeInfo): [string, string][] {
  const result: [string, string][] = [["Status", info.status]];
  if (info.description) result.push(["Backend", `${info.description} — tf.getBackend() is "${info.tfjsBackend}"`]);
  if (info.version) result.push(["TensorFlow.js", info.version]);
  for (const device of info.devices) result.push(["Device", device]);
  result.push(["Chosen by", info.forced ? `${BACKEND_ENV}=${info.forced}` : `automatic (set ${BACKEND_ENV} to gpu, node, wasm or cpu to force one)`]);
  for (const { backend, reason } of info.skipped) result.push([`Skipped ${BACKEND_LABELS[backend]}`, reason]);
  if (info.error) result.push(["Error", info.error]);
  return result;
}

export function runtimeText(info: TfjsRuntimeInfo): string {
  return [runtimeSummary(info), ...rows(info).map(([name, value]) => `  ${name}: ${value}`)].join("\n");
}

export function runtimeHtml(info: TfjsRuntimeInfo): string {
  const body = rows(info).map(([name, value]) => `<tr><th style="text-align:left;vertical-align:top">${escapeHtml(name)}</th><td style="text-align:left;white-space:pre-wrap">${escapeHtml(value)}</td></tr>`).join("");
  return `<table><caption style="text-align:left"><b>${escapeHtml(runtimeSummary(info))}</b></caption>${body}</table>`;
}

