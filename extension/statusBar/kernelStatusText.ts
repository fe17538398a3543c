// What the status bar and the kernel info document say about a notebook's kernel. No vscode import: unit-tested in mocha.
import type { KernelInfoTfjs } from "../../protocol/messageContents";
import type { KernelState } from "../kernel/sessionTypes";

/** What this module reads of a session (NotebookKernelSession has these fields). */
export interface KernelFacts {
  readonly state: KernelState;
  readonly kernelInfo: Record<string, unknown> | undefined;
  readonly runtimeDescription: string | undefined;
}

export interface StatusBarText {
  /** With a codicon, e.g. "$(loading~spin) TF.js busy · wasm". */
  text: string;
  tooltip: string;
  /** Dead kernels get the error colours. */
  error: boolean;
}

/** The kernel_info_reply's `tfjs` field as another kernel version may send it: every field may be missing. */
type TfjsFacts = Partial<KernelInfoTfjs>;

const STATE_ICONS: Record<KernelState, string> = {
  starting: "$(sync~spin)",
  restarting: "$(sync~spin)",
  reconnecting: "$(debug-disconnect)",
  idle: "$(circle-large-outline)",
  busy: "$(loading~spin)",
  dead: "$(error)",
  shutdown: "$(circle-slash)",
};

const STATE_WORDS: Record<KernelState, string> = {
  starting: "starting…",
  restarting: "restarting…",
  reconnecting: "reconnecting…",
  idle: "idle",
  busy: "busy",
  dead: "dead",
  shutdown: "shut down",
};

function tfjsFacts(kernelInfo: Record<string, unknown> | undefined): TfjsFacts | undefined {
  const tfjs = kernelInfo?.tfjs;
  return tfjs !== null && typeof tfjs === "object" ? tfjs : undefined;
}

function stringField(record: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = record?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The short name of the backend: "wasm, 2 threads", "CPU (tfjs-node)", "GPU: <device name>", "GPU: <adapter> (WebGPU)", "cpu"; undefined before kernel_info. */
export function backendLabel(kernelInfo: Record<string, unknown> | undefined): string | undefined {
  const tfjs = tfjsFacts(kernelInfo);
  if (!tfjs) return undefined;
  if (tfjs.status === "failed") return "TF.js unavailable";
  switch (tfjs.backend) {
    case "gpu":
      return tfjs.devices?.find((device) => device.startsWith("GPU: ")) ?? "GPU";
    case "webgpu":
      return `${tfjs.devices?.find((device) => device.startsWith("GPU: ")) ?? "GPU"} (WebGPU)`;
    case "node":
      // tfjs-node-gpu without a CUDA device runs on the CPU too, and says so in its description.
      return tfjs.description?.includes("tfjs-node-gpu") ? "CPU (tfjs-node-gpu)" : "CPU (tfjs-node)";
    case "wasm":
      // A kernel from before threads were counted has none to show.
      return typeof tfjs.threads === "number" ? `wasm, ${tfjs.threads} thread${tfjs.threads === 1 ? "" : "s"}` : "wasm";
    case "cpu":
      return tfjs.backend;
    default:
      return tfjs.status === "loading" ? "loading TF.js…" : undefined;
  }
}

export function statusBarText(facts: KernelFacts): StatusBarText {
  // The backend belongs to a running kernel: not to one that is gone, nor to the old one while it restarts.
  const backend = facts.state === "dead" || facts.state === "shutdown" || facts.state === "restarting" ? undefined : backendLabel(facts.kernelInfo);
  const tfjs = tfjsFacts(facts.kernelInfo);
  // Fewer threads than asked (they could not start, or a bad TFJS_STUDIO_THREADS): the tooltip's description says why.
  const warning = backend && tfjs?.threads_note ? " $(warning)" : "";
  const text = `${STATE_ICONS[facts.state]} TF.js ${STATE_WORDS[facts.state]}${backend ? ` · ${backend}${warning}` : ""}`;
  const description = tfjs?.description;
  const tooltip = [
    `TF.js Studio kernel: ${STATE_WORDS[facts.state]}`,
    ...(description && backend ? [`Backend: ${description}`] : []),
    "Click for kernel info",
  ].join("\n");
  return { text, tooltip, error: facts.state === "dead" };
}

/** The kernel info document: a title line and the details, each fact once, as plain text fit to copy. */
export function kernelInfoText(facts: KernelFacts): { title: string; detail: string } {
  const info = facts.kernelInfo;
  const implementation = stringField(info, "implementation") ?? "TF.js Studio kernel";
  const version = stringField(info, "implementation_version");
  const title = `${implementation}${version ? ` ${version}` : ""}: ${STATE_WORDS[facts.state]}`;
  if (!info) {
    const waiting = facts.state === "starting" || facts.state === "restarting" ? "The kernel has not answered yet." : "The kernel never answered.";
    return { title, detail: [waiting, ...runtimeLines(facts)].join("\n") };
  }
  // Not the banner: it is for Jupyter consoles, and repeats the TensorFlow.js version and backend listed here.
  const lines: string[] = [];
  const tfjs = tfjsFacts(info);
  if (tfjs) {
    if (tfjs.description) lines.push(`Backend: ${tfjs.description}${tfjs.tfjs_backend ? ` (tf.getBackend() is "${tfjs.tfjs_backend}")` : ""}`);
    if (tfjs.version) lines.push(`TensorFlow.js: ${tfjs.version}`);
    for (const device of tfjs.devices ?? []) lines.push(`Device: ${device}`);
    lines.push(tfjs.forced ? `Chosen by: TFJS_STUDIO_BACKEND=${tfjs.forced} (setting tfjsStudio.backend)` : "Chosen by: automatic (setting tfjsStudio.backend)");
    for (const { backend, reason } of tfjs.skipped ?? []) lines.push(`Skipped ${backend}: ${reason}`);
    if (tfjs.error) lines.push(`TensorFlow.js error: ${tfjs.error}`);
  }
  const language = info.language_info as Record<string, unknown> | undefined;
  const languageName = stringField(language, "name");
  if (languageName) lines.push(`Language: ${languageName} ${stringField(language, "version") ?? ""}`.trimEnd());
  const protocol = stringField(info, "protocol_version");
  if (protocol) lines.push(`Jupyter protocol: ${protocol}`);
  lines.push(...runtimeLines(facts));
  return { title, detail: lines.join("\n") };
}

function runtimeLines(facts: KernelFacts): string[] {
  return facts.runtimeDescription ? [`Node.js runtime: ${facts.runtimeDescription}`] : [];
}
