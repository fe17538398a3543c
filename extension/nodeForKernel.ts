// Chooses the Node.js that runs the kernel: the tfjsStudio.nodePath setting, else node on PATH, else the extension
// host's own runtime. No vscode import, so it is unit-tested and reusable outside the extension.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The kernel needs Node 20 or later. */
export const MIN_NODE_MAJOR = 20;
const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export type KernelNodeSource = "setting" | "path" | "extension-host";

export interface KernelNodeOptions {
  /** The tfjsStudio.nodePath setting; blank means not set. */
  configuredPath?: string;
  /** The environment the kernel will get: PATH is searched, and version checks run with it. */
  env: NodeJS.ProcessEnv;
  /** process.execPath of the extension host. */
  hostExecPath: string;
  /** Whether the extension host is Electron, which runs as Node only with ELECTRON_RUN_AS_NODE=1. */
  hostIsElectron: boolean;
  /** How long each `--version`-style check may take; slow shims and virus scanners need a few seconds. */
  probeTimeoutMs?: number;
}

export interface RejectedNode {
  source: KernelNodeSource;
  /** The executable tried; undefined when there was nothing to try (no node on PATH). */
  command?: string;
  reason: string;
}

export interface KernelNodeChoice {
  source: KernelNodeSource;
  /** The executable to spawn. */
  command: string;
  /** Extra environment the runtime needs, e.g. ELECTRON_RUN_AS_NODE=1; to be added to the kernel's. */
  env: Record<string, string>;
  /** Its Node version, without the "v". */
  version: string;
  /** Why this one, for the output channel. */
  reason: string;
  /** The candidates tried before it, in order, with why each was not used. */
  rejected: RejectedNode[];
}

export class NoUsableNodeError extends Error {
  constructor(readonly rejected: RejectedNode[]) {
    super(
      [
        `No usable Node.js (${MIN_NODE_MAJOR} or later) was found. Tried:`,
        ...rejected.map((candidate) => `  - ${describeCandidate(candidate)}: ${candidate.reason}`),
        `Install Node.js ${MIN_NODE_MAJOR} or later, or set tfjsStudio.nodePath to its executable.`,
      ].join("\n"),
    );
    this.name = "NoUsableNodeError";
  }
}

export async function findKernelNode(options: KernelNodeOptions): Promise<KernelNodeChoice> {
  const rejected: RejectedNode[] = [];
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  // The same file may be both the setting and on PATH; it is checked once and reported once.
  const tried = new Set<string>();

  const configured = options.configuredPath?.trim();
  if (configured) {
    const result = await checkCandidate(configured, {}, options.env, timeoutMs);
    tried.add(configured);
    if ("version" in result) {
      return choice("setting", configured, {}, result.version, `tfjsStudio.nodePath is set to ${configured}`, rejected);
    }
    rejected.push({ source: "setting", command: configured, reason: result.reason });
  }

  const onPath = nodesOnPath(options.env);
  if (onPath.length === 0) rejected.push({ source: "path", reason: "no node executable in any PATH directory" });
  for (const command of onPath) {
    if (tried.has(command)) continue;
    tried.add(command);
    const result = await checkCandidate(command, {}, options.env, timeoutMs);
    if ("version" in result) {
      return choice("path", command, {}, result.version, `it is the first node on PATH that is Node ${MIN_NODE_MAJOR} or later`, rejected);
    }
    rejected.push({ source: "path", command, reason: result.reason });
  }

  const hostEnv: Record<string, string> = options.hostIsElectron ? { ELECTRON_RUN_AS_NODE: "1" } : {};
  const host = await checkCandidate(options.hostExecPath, hostEnv, options.env, timeoutMs);
  if ("version" in host) {
    const how = options.hostIsElectron ? "Electron run as Node with ELECTRON_RUN_AS_NODE=1" : "Node";
    return choice("extension-host", options.hostExecPath, hostEnv, host.version, `no usable Node was found through tfjsStudio.nodePath or PATH, so the extension host's own runtime is used (${how})`, rejected);
  }
  rejected.push({ source: "extension-host", command: options.hostExecPath, reason: host.reason });
  throw new NoUsableNodeError(rejected);
}

function choice(source: KernelNodeSource, command: string, env: Record<string, string>, version: string, why: string, rejected: RejectedNode[]): KernelNodeChoice {
  return { source, command, env, version, reason: `Using Node ${version} at ${command}: ${why}.`, rejected };
}

function describeCandidate(candidate: RejectedNode): string {
  const label = { setting: "tfjsStudio.nodePath", path: "node on PATH", "extension-host": "the extension host's runtime" }[candidate.source];
  return candidate.command === undefined ? label : `${label} (${candidate.command})`;
}

/** Every node executable on PATH, in PATH order; relative entries are skipped so that no node is run from the cwd. */
function nodesOnPath(env: NodeJS.ProcessEnv): string[] {
  const name = process.platform === "win32" ? "node.exe" : "node";
  // Windows environment names are case-insensitive, and the variable is often spelt "Path".
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === "PATH");
  const dirs = (pathKey === undefined ? "" : env[pathKey] ?? "").split(path.delimiter).filter((dir) => path.isAbsolute(dir));
  return [...new Set(dirs.map((dir) => path.join(dir, name)))].filter((file) => fs.existsSync(file));
}

type CheckResult = { version: string } | { reason: string };

/** Whether one file can run the kernel (for the "Set Node.js Path" picker): its Node version, or why not. */
export function checkNodeExecutable(command: string, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  return checkCandidate(command, {}, env, DEFAULT_PROBE_TIMEOUT_MS);
}

async function checkCandidate(command: string, extraEnv: Record<string, string>, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CheckResult> {
  if (!path.isAbsolute(command)) return { reason: "not an absolute path" };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(command);
  } catch {
    return { reason: "not found" };
  }
  if (stat.isDirectory()) return { reason: "is a directory, not an executable" };
  try {
    fs.accessSync(command, fs.constants.X_OK);
  } catch {
    return { reason: "not executable" };
  }
  const probed = await probeVersion(command, { ...env, ...extraEnv }, timeoutMs);
  if ("reason" in probed) return probed;
  const major = Number(probed.version.split(".")[0]);
  if (major < MIN_NODE_MAJOR) return { reason: `Node ${probed.version} is older than ${MIN_NODE_MAJOR}` };
  return probed;
}

/** Runs the candidate as Node, which also proves it can run a script, and reads the version it reports. */
function probeVersion(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      ["-p", "process.versions.node"],
      { env, timeout: timeoutMs, killSignal: "SIGKILL", windowsHide: true, encoding: "utf8" },
      (error, stdout, stderr) => {
        const output = stdout.trim();
        const version = /^v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
        if (!error && version) return resolve({ version });
        if (!error) return resolve({ reason: `printed ${JSON.stringify(firstLine(output))} rather than a Node version` });
        if (error.killed) return resolve({ reason: `gave no Node version within ${timeoutMs} ms` });
        const detail = firstLine(stderr) || firstLine(output);
        const said = detail ? `: ${detail}` : "";
        if (error.signal) return resolve({ reason: `was killed by ${error.signal} when asked its Node version${said}` });
        if (typeof error.code === "number") return resolve({ reason: `exited with code ${error.code} when asked its Node version${said}` });
        resolve({ reason: `could not be run: ${error.message}` });
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0].slice(0, 200);
}
