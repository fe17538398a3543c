// Starts a kernel process from a kernelspec-style argv, as jupyter_client's KernelManager does, connects to it,
// and returns its handle.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ConnectionInfo } from "../protocol/connectionFile";
import { JupyterMessage } from "../protocol/messages";
import { packageRoot } from "../protocol/packageRoot";
import { KernelClient } from "./kernelClient";
import type { KernelHandle } from "./kernelHandle";
import { killWhenWeExit } from "./killOnExit";
import { OutputTail } from "./outputTail";
import { describeExit, waitForExit } from "./processExit";

export const CONNECTION_FILE_PLACEHOLDER = "{connection_file}";

export interface LaunchOptions {
  /** The kernel command, with "{connection_file}" where the connection file path goes, as in a kernelspec. */
  argv: string[];
  cwd?: string;
  /** Added to this process's environment, as a kernelspec's env is. */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  /** Where the connection file goes; the system temp dir by default. */
  runtimeDir?: string;
  kernelName?: string;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const INTERRUPT_REPLY_TIMEOUT_MS = 5_000;
/** How long a kernel gets to reply to shutdown_request and exit before it is killed, as jupyter_client's shutdown_wait_time. */
const SHUTDOWN_GRACE_MS = 5_000;
const OUTPUT_TAIL_LINES = 200;

/**
 * The argv of our own kernel: the built CLI, into which this module is bundled too, hence found from the package root.
 * `node` is the runtime to run it with (the extension's choice; any env it needs goes in LaunchOptions.env).
 */
export function kernelArgv(node = process.execPath): string[] {
  return [node, path.join(packageRoot(), "dist", "cli", "main.js"), "kernel", "--connection-file", CONNECTION_FILE_PLACEHOLDER];
}

/** Ports that were free a moment ago, found as jupyter_client does: bind port 0, read the port, close. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  // All servers stay open until every port is read, so the ports are distinct.
  const servers = await Promise.allSettled(Array.from({ length: count }, () => listen(host)));
  const opened = servers.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const ports = opened.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(opened.map((server) => new Promise((resolve) => server.close(resolve))));
  const failure = servers.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
  return ports;
}

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => resolve(server));
  });
}

/** Writes a connection file with fresh ports and a random key, readable by its owner only. */
export async function writeConnectionFile(
  options: { runtimeDir?: string; kernelName?: string } = {},
): Promise<{ path: string; info: ConnectionInfo }> {
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = await freePorts(5);
  const info: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port,
    control_port,
    iopub_port,
    stdin_port,
    hb_port,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: options.kernelName ?? "",
  };
  const dir = options.runtimeDir ?? os.tmpdir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `kernel-${randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(info, null, 1), { mode: 0o600, flag: "wx" });
  return { path: file, info };
}

export async function launchKernel(options: LaunchOptions): Promise<KernelHandle> {
  if (options.argv.length === 0) throw new Error("launchKernel: argv is empty");
  return launchOnce(options).catch((error: Error) => {
    // The ports are picked free just before the kernel binds them, as jupyter_client does; another process can
    // take one in between. Fresh ports almost always work.
    if (!error.message.includes("Address already in use")) throw error;
    return launchOnce(options);
  });
}

async function launchOnce(options: LaunchOptions): Promise<KernelHandle> {
  const { path: connectionFile, info } = await writeConnectionFile(options);
  const argv = options.argv.map((arg) => arg.split(CONNECTION_FILE_PLACEHOLDER).join(connectionFile));
  const [command, ...args] = argv;
  // Connecting first is fine with ZeroMQ, which reconnects until the kernel binds, and leaves nothing between the
  // spawn and the exit watch that could throw and orphan the process.
  const client = await KernelClient.connect(info).catch((error: Error) => {
    fs.rmSync(connectionFile, { force: true });
    throw error;
  });
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      // JPY_PARENT_PID lets ipykernel-style kernels exit when we die without shutting them down.
      env: { ...process.env, JPY_PARENT_PID: String(process.pid), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      // A process group of its own, as jupyter_client's start_new_session: a Ctrl-C meant for us does not reach the
      // kernel, and a kernel that interrupts its own process group does not interrupt us.
      detached: process.platform !== "win32",
    });
  } catch (error) {
    // Invalid arguments throw here rather than emitting 'error'.
    client.close();
    fs.rmSync(connectionFile, { force: true });
    throw error;
  }
  const output = new OutputTail(OUTPUT_TAIL_LINES);
  child.stdout?.setEncoding("utf8").on("data", output.collector());
  child.stderr?.setEncoding("utf8").on("data", output.collector());

  let stopping = false;
  let gone = false;
  const kill = (): void => {
    stopping = true;
    if (gone || child.pid === undefined) return;
    try {
      if (process.platform === "win32") child.kill("SIGKILL");
      else process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already exited.
    }
  };
  const forgetOnExit = killWhenWeExit(kill);
  const exited = waitForExit(child, (message) => output.append(message)).then((exit) => {
    gone = true;
    forgetOnExit();
    const reason = stopping ? `the kernel was stopped (${describeExit(exit)})` : `${describeExit(exit)}${formatTail(output.text())}`;
    client.kernelDied(reason);
    client.close();
    fs.rmSync(connectionFile, { force: true });
    return exit;
  });

  let kernelInfo: JupyterMessage;
  try {
    // An exit during startup rejects this through kernelDied.
    kernelInfo = await client.waitForReady(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    const exitedOnItsOwn = gone && !stopping;
    kill();
    await exited;
    // When the kernel exited by itself, kernelDied already put the exit and the output tail in the message.
    const detail = exitedOnItsOwn ? (error as Error).message : `${(error as Error).message}${formatTail(output.text())}`;
    throw new Error(`kernel failed to start (${options.argv.join(" ")}): ${detail}`, { cause: error });
  }

  return {
    client,
    info,
    kernelInfo,
    argv,
    pid: child.pid,
    exited,
    outputTail: () => output.text(),
    onOutputLine: (listener) => output.onLine(listener),
    kill,
    async interrupt() {
      await client.request("control", "interrupt_request", {}, { timeoutMs: INTERRUPT_REPLY_TIMEOUT_MS });
    },
    async shutdown(restart = false) {
      if (gone) return;
      stopping = true;
      const grace = setTimeout(kill, SHUTDOWN_GRACE_MS);
      try {
        await client.request("control", "shutdown_request", { restart }, { timeoutMs: SHUTDOWN_GRACE_MS });
      } catch {
        // A wedged kernel gets killed when the grace period ends.
      }
      await exited;
      clearTimeout(grace);
    },
  };
}

function formatTail(text: string): string {
  return text ? `\n--- kernel output (last lines) ---\n${text}` : "";
}
