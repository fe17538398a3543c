// A host reached over SSH, prepared to run kernels and model servers: probed in one command (hostProbe.ts), its Node
// checked (20 or later), the runtime uploaded over SFTP into <root>/runtime/<version>/ once per version and verified
// by its SHA-256, and processes started detached (kernels under <root>/kernels/<id>/, connection file and log mode
// 0600), listed and stopped. The small scripts run on the host are run by its own Node, so nothing but Node and a
// POSIX shell is assumed there.
import { randomBytes, randomUUID } from "node:crypto";
import * as path from "node:path";
import { quote } from "shell-quote";
import type { SFTPWrapper } from "ssh2";
import type { ConnectionInfo } from "../../protocol/connectionFile";
import type { SshConnection } from "../ssh/sshConnection";
import { KernelClient } from "../kernelClient";
import { ChannelForwarder } from "./channelForwarder";
import { parseProbe, probeCommand, type RemoteGpu } from "./hostProbe";
import { RUNTIME_KERNEL, type KernelRuntime } from "./kernelRuntime";
import { RemoteHostError } from "./remoteHostError";

export const MIN_NODE_MAJOR = 20;
/** How long a kernel gets to answer shutdown_request before it is killed. */
export const SHUTDOWN_REPLY_TIMEOUT_MS = 10_000;
const PORTS_TIMEOUT_MS = 30_000;
/** After its reply to shutdown_request, a kernel gets this long to exit before it is killed. */
const SHUTDOWN_EXIT_TIMEOUT_MS = 5000;
export const DEFAULT_REMOTE_ROOT = "~/.tfjs-studio";

export interface RemoteKernel {
  id: string;
  pid: number;
  /** ISO time it was started. */
  started: string;
  /** The folder its cells run in (paths shown to the user are the host's). */
  cwd: string;
  runtime: string;
  /** From the kernel's state file: "busy", "idle" or "starting". */
  executionState: string;
}

export interface StartKernelOptions {
  /** Seconds without a client before the kernel shuts itself down. */
  idleShutdownS: number;
  /** Where cells run; the host's home when not given. */
  cwd?: string;
  /** Extra environment for the kernel, e.g. TFJS_STUDIO_BACKEND. */
  env?: Record<string, string>;
}

/** What startDetached runs: `connection` for a kernel (written to DIR/connection.json, ready once it has ports),
 * `readyPattern` for a server (ready once its log matches). */
export interface DetachedStart {
  dir: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  meta: Record<string, unknown>;
  metaFile: string;
  logFile: string;
  timeoutMs: number;
  connection?: ConnectionInfo;
  readyPattern?: string;
}

export interface DetachedStartAnswer {
  pid?: number;
  /** A kernel's connection, with its ports. */
  info?: ConnectionInfo;
  /** The text of the log that matched readyPattern. */
  ready?: string;
  error?: string;
  /** The last lines of its log, when it was not ready. */
  log?: string;
}

export class RemoteHost {
  private constructor(
    readonly connection: SshConnection,
    readonly sftp: SFTPWrapper,
    /** Absolute, on the host. */
    readonly root: string,
    readonly home: string,
    readonly node: string,
    readonly nodeVersion: string,
    /** npm's path there; empty when it has none. */
    readonly npm: string,
    /** The NVIDIA GPUs nvidia-smi sees there; none without it. */
    readonly gpus: RemoteGpu[],
  ) {}

  /** Finds the host's home, Node (on the PATH of a plain or a login shell), npm and GPUs, and checks Node's version. */
  static async open(connection: SshConnection, options: { root?: string; node?: string } = {}): Promise<RemoteHost> {
    const where = connection.destination.label;
    const probe = parseProbe(await run(connection, probeCommand(options.node)));
    const { home, node, nodeVersion: version } = probe;
    if (!node) throw new RemoteHostError(`Node.js is not installed on ${where} (no node on the PATH, nor on a login shell's); install Node ${MIN_NODE_MAJOR} or later there, or give its path with --node`);
    const major = Number(/^v(\d+)\./.exec(version)?.[1]);
    if (!(major >= MIN_NODE_MAJOR)) throw new RemoteHostError(`${where} has Node ${version || "that does not run"} at ${node}; tfjs-studio needs Node ${MIN_NODE_MAJOR} or later there: install it, or give another with --node`);
    const root = (options.root ?? DEFAULT_REMOTE_ROOT).replace(/^~(?=\/|$)/, home);
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => connection.client.sftp((error, wrapper) => (error ? reject(new RemoteHostError(`${where}: SFTP is not available (${error.message}); the SSH server needs its sftp subsystem`)) : resolve(wrapper))));
    return new RemoteHost(connection, sftp, root, home, node, version, probe.npm, probe.gpus);
  }

  /** Uploads the runtime unless this version is there already, complete; returns its folder. */
  async ensureRuntime(runtime: KernelRuntime, progress: (text: string) => void = () => {}): Promise<{ dir: string; uploaded: boolean }> {
    const dir = `${this.root}/runtime/${runtime.version}`;
    const marker = `${dir}/.complete`;
    if ((await this.readText(marker))?.trim() === runtime.sha256) return { dir, uploaded: false };
    await this.shell(quote(["mkdir", "-p", "-m", "700", `${this.root}/runtime`]));
    const upload = `${dir}.tar.gz.${randomUUID().slice(0, 8)}.partial`;
    await this.upload(runtime.archive, upload, (percent, total) => progress(`uploading the runtime ${runtime.version}: ${percent}% of ${(total / 1e6).toFixed(1)} MB`));
    try {
      const sha256 = (await this.nodeScript(CHECKSUM_SCRIPT, [upload])).trim();
      if (sha256 !== runtime.sha256) throw new RemoteHostError(`the uploaded runtime's checksum is ${sha256}, not ${runtime.sha256}: the upload was damaged; try again`);
      progress("unpacking the runtime");
      const unpacking = `${dir}.${randomUUID().slice(0, 8)}.unpacking`;
      await this.shell(`rm -rf ${quote([dir])} && mkdir -p ${quote([unpacking])} && tar -xzf ${quote([upload])} -C ${quote([unpacking])} && printf %s ${quote([runtime.sha256])} > ${quote([`${unpacking}/.complete`])} && mv ${quote([unpacking, dir])}`);
    } finally {
      await this.shell(quote(["rm", "-f", upload])).catch(() => {});
    }
    return { dir, uploaded: true };
  }

  /** Starts a kernel detached from the SSH session, on ports the kernel picks on the host's 127.0.0.1. */
  async startKernel(runtimeDir: string, runtime: string, options: StartKernelOptions): Promise<{ kernel: RemoteKernel; info: ConnectionInfo }> {
    const id = `${new Date().toISOString().slice(0, 10).replace(/-/g, "")}-${randomUUID().slice(0, 8)}`;
    const dir = `${this.root}/kernels/${id}`;
    const cwd = options.cwd ?? this.home;
    const zeroPorts: ConnectionInfo = { transport: "tcp", ip: "127.0.0.1", shell_port: 0, control_port: 0, iopub_port: 0, stdin_port: 0, hb_port: 0, key: randomBytes(32).toString("hex"), signature_scheme: "hmac-sha256", kernel_name: "tfjs-studio" };
    const argv = [`${runtimeDir}/${RUNTIME_KERNEL}`, "--connection-file", `${dir}/connection.json`, "--idle-shutdown-s", String(options.idleShutdownS), "--state-file", `${dir}/state.json`];
    const started = new Date().toISOString();
    // One command does it all on the host (each costs the user's shell start-up); the key goes in on stdin, so
    // that no other user of the host sees it in a process listing.
    const answer = await this.startDetached({ dir, argv, cwd, env: options.env ?? {}, meta: { id, started, cwd, runtime }, metaFile: "kernel.json", logFile: "kernel.log", connection: zeroPorts, timeoutMs: PORTS_TIMEOUT_MS });
    if (!answer.info || !answer.pid) throw new RemoteHostError(`the kernel on ${this.connection.destination.label}: ${answer.error ?? "no answer"}${answer.log ? `:\n${answer.log}` : ""}`);
    const { pid, info } = answer;
    return { kernel: { id, pid, started, cwd, runtime, executionState: "starting" }, info };
  }

  /**
   * Starts `node ARGV` in a session of its own (setsid) with its output in DIR/LOGFILE and META (with its pid) in
   * DIR/METAFILE, both 0600, and waits until it is ready: its connection file has ports (a kernel), or its log
   * matches `readyPattern` (a server). Answers with its pid, or why not with its log's tail when it exited first or
   * took too long (then it runs on).
   */
  async startDetached(request: DetachedStart): Promise<DetachedStartAnswer> {
    const { code, stdout, stderr } = await this.connection.exec(quote([this.node, "-e", START_SCRIPT]), JSON.stringify(request));
    try {
      return JSON.parse(stdout) as DetachedStartAnswer;
    } catch {
      return { error: `starting it failed (${code}): ${stderr.trim() || stdout.trim()}` };
    }
  }

  /** Ends a process with SIGTERM, and SIGKILL when it is still there after `graceMs`; resolves once it is gone. */
  async stopProcess(pid: number, graceMs: number, firstSignal: "SIGTERM" | "none" = "SIGTERM"): Promise<void> {
    await this.nodeScript(STOP_SCRIPT, [String(pid), String(graceMs), firstSignal]);
  }

  /** Copies a local file to the host over SFTP, mode 0600, reporting whole percents as they pass each tenth. */
  async upload(local: string, remote: string, progress: (percent: number, totalBytes: number) => void = () => {}): Promise<void> {
    let lastShown = -1;
    await new Promise<void>((resolve, reject) =>
      this.sftp.fastPut(local, remote, {
        mode: 0o600,
        step: (sent, _chunk, total) => {
          const percent = Math.floor((sent / total) * 100);
          if (percent >= lastShown + 10 || sent === total) progress(percent, total);
          if (percent >= lastShown + 10) lastShown = percent;
        },
      }, (error) => (error ? reject(new RemoteHostError(`uploading ${path.basename(local)} to ${this.connection.destination.label}:${remote} failed: ${error.message}`)) : resolve())),
    );
  }

  /** The kernels running under <root>/kernels (a dead one's folder is removed as it is found). */
  async listKernels(): Promise<RemoteKernel[]> {
    const text = await this.nodeScript(LIST_SCRIPT, [`${this.root}/kernels`]);
    return JSON.parse(text) as RemoteKernel[];
  }

  /** A running kernel's connection as the host sees it (its ports on the host's 127.0.0.1). */
  async kernelConnection(id: string): Promise<{ kernel: RemoteKernel; info: ConnectionInfo }> {
    const kernel = (await this.listKernels()).find((candidate) => candidate.id === id);
    if (!kernel) throw new RemoteHostError(`no running kernel ${id} on ${this.connection.destination.label}; list them with --list`);
    const text = await this.readText(`${this.root}/kernels/${id}/connection.json`);
    return { kernel, info: JSON.parse(text ?? "{}") as ConnectionInfo };
  }

  /**
   * Ends a running kernel: asks it through its control channel (forwarded for the moment), waits for it to exit, and
   * kills it when it does not answer or exit in time. Resolves once it is gone.
   */
  async shutdownKernel(id: string): Promise<void> {
    const { kernel, info } = await this.kernelConnection(id);
    const forwarder = new ChannelForwarder(info);
    const client = await KernelClient.connect(await forwarder.start(this.connection));
    try {
      await client.request("control", "shutdown_request", { restart: false }, { timeoutMs: SHUTDOWN_REPLY_TIMEOUT_MS }).catch(() => undefined);
    } finally {
      client.close();
      forwarder.close();
    }
    // Its own exit, waited for on the host in one command; no SIGTERM, which would cut short what it does on the way.
    await this.stopProcess(kernel.pid, SHUTDOWN_EXIT_TIMEOUT_MS, "none");
  }

  /** Whether a file or folder exists on the host. */
  exists(file: string): Promise<boolean> {
    return new Promise((resolve) => this.sftp.stat(file, (error) => resolve(!error)));
  }

  close(): void {
    this.sftp.end();
  }

  /** Runs a command through the host's shell; a non-zero exit is a RemoteHostError with its output. */
  async shell(command: string): Promise<string> {
    return run(this.connection, command);
  }

  /** Runs a script with the host's Node, `args` as process.argv[1…]. */
  nodeScript(script: string, args: string[]): Promise<string> {
    return this.shell(quote([this.node, "-e", script, ...args]));
  }

  /** A file's text, or undefined when there is no such file. */
  readText(file: string): Promise<string | undefined> {
    return new Promise((resolve, reject) =>
      this.sftp.readFile(file, "utf8", (error, data) => {
        if (!error) return resolve(String(data));
        if ((error as Error & { code?: number }).code === 2) return resolve(undefined); // SSH_FX_NO_SUCH_FILE
        reject(error);
      }),
    );
  }
}

async function run(connection: SshConnection, command: string): Promise<string> {
  const { code, stdout, stderr } = await connection.exec(command);
  if (code !== 0) throw new RemoteHostError(`on ${connection.destination.label}, \`${command.length > 200 ? `${command.slice(0, 200)}…` : command}\` failed (${code}): ${stderr.trim() || stdout.trim()}`);
  return stdout;
}

/** Prints the SHA-256 of a file. */
const CHECKSUM_SCRIPT = `const h = require("crypto").createHash("sha256"); h.update(require("fs").readFileSync(process.argv[1])); process.stdout.write(h.digest("hex"))`;

/**
 * Starts a process in a session of its own (setsid), from the JSON on stdin (a DetachedStart): writes its folder,
 * a kernel's connection file (0600) and the meta file, then waits for it to be ready, and prints {pid, info|ready},
 * or {error, log} when it exits first or takes too long (it runs on then, to be found in its log).
 */
const START_SCRIPT = `const fs = require("fs"), path = require("path");
let input = ""; process.stdin.on("data", (d) => (input += d)).on("end", () => {
  const o = JSON.parse(input);
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const file = path.join(o.dir, "connection.json"), logFile = path.join(o.dir, o.logFile);
  if (o.connection) fs.writeFileSync(file, JSON.stringify(o.connection), { mode: 0o600 });
  const log = fs.openSync(logFile, "w", 0o600);
  const child = require("child_process").spawn(process.execPath, o.argv, { cwd: o.cwd, detached: true, stdio: ["ignore", log, log], env: { ...process.env, ...o.env } });
  fs.writeFileSync(path.join(o.dir, o.metaFile), JSON.stringify({ ...o.meta, pid: child.pid }), { mode: 0o600 });
  const readLog = () => { try { return fs.readFileSync(logFile, "utf8"); } catch { return ""; } };
  const tail = () => readLog().trimEnd().split("\\n").slice(-20).join("\\n");
  const done = (answer) => { process.stdout.write(JSON.stringify(answer)); process.exit(0); };
  child.once("exit", (code, signal) => done({ error: "it exited as it started (" + (signal || "exit code " + code) + ")", log: tail() }));
  const deadline = Date.now() + o.timeoutMs;
  const poll = () => {
    if (o.connection) {
      let info = {}; try { info = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
      if (info.shell_port > 0) { child.unref(); return done({ pid: child.pid, info }); }
    } else {
      const match = new RegExp(o.readyPattern).exec(readLog());
      if (match) { child.unref(); return done({ pid: child.pid, ready: match[0] }); }
    }
    if (Date.now() > deadline) return done({ error: "it was not ready within " + o.timeoutMs / 1000 + " s", log: tail() });
    setTimeout(poll, 20);
  };
  poll();
});`;

/** Whether a pid runs, in a host script: a zombie (exited, not yet reaped, as where no init reaps) does not. */
export const PROCESS_ALIVE_FUNCTION = `function alive(pid) {
  try { process.kill(pid, 0); } catch (e) { if (e.code !== "EPERM") return false; }
  try { return !/^\\d+ \\(.*\\) Z/.test(require("fs").readFileSync("/proc/" + pid + "/stat", "utf8")); } catch { return true; }
}`;

/** Sends SIGTERM (or no signal) to a pid, then SIGKILL when it is still alive after the grace period; exits once it is gone. */
const STOP_SCRIPT = `${PROCESS_ALIVE_FUNCTION}
const pid = Number(process.argv[1]), deadline = Date.now() + Number(process.argv[2]);
if (process.argv[3] !== "none") { try { process.kill(pid, process.argv[3]); } catch {} }
const poll = () => { if (!alive(pid)) return; if (Date.now() > deadline) { try { process.kill(pid, "SIGKILL"); } catch {} } setTimeout(poll, 50); };
poll();`;

/** Lists kernels/<id>/kernel.json with liveness and the state file the kernel keeps; removes dead kernels' folders. */
const LIST_SCRIPT = `${PROCESS_ALIVE_FUNCTION}
const fs = require("fs"), path = require("path"); const root = process.argv[1]; const out = [];
for (const id of fs.existsSync(root) ? fs.readdirSync(root) : []) {
  const dir = path.join(root, id); let meta, state = {};
  try { meta = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")); } catch { continue; }
  try { state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")); } catch {}
  if (!alive(meta.pid)) { fs.rmSync(dir, { recursive: true, force: true }); continue; }
  out.push({ ...meta, executionState: state.execution_state || "starting" });
}
process.stdout.write(JSON.stringify(out));`;
