// `tfjs-studio connect` as the remote kernel tests run it: a child process whose stderr is collected and waited on,
// and cells run through the connection file it writes by Debian's jupyter_client.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../../protocol/packageRoot";
import { runCli, runProcess } from "./cli";
import { startSshd, type Sshd, type SshdOptions } from "./sshd";

export interface CellSeen {
  status: string;
  stdout: string;
  result: string | null;
  mimes: string[];
  error?: string;
}

const EXECUTE = path.join(packageRoot(), "test", "support", "jupyter_client_execute.py");

export async function runCells(connectionFile: string, ...cells: string[]): Promise<CellSeen[]> {
  const { code, stdout, stderr } = await runProcess("/usr/bin/python3", [EXECUTE, connectionFile, ...cells]);
  assert.equal(code, 0, `jupyter_client failed:\n${stderr}`);
  return stdout.trim().split("\n").map((line) => JSON.parse(line) as CellSeen);
}

/** A running `tfjs-studio connect`, its stderr collected, with a wait for a line that matches. */
export class ConnectProcess {
  stderr = "";
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [path.join(packageRoot(), "bin", "tfjs-studio"), "connect", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stderr);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`connect exited (${this.child.exitCode}) before ${pattern}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Ends every kernel started under the remote folder: their pids are in the kernel folders. */
export function killRemoteKernels(remoteDir: string): void {
  const kernels = path.join(remoteDir, "kernels");
  for (const id of fs.existsSync(kernels) ? fs.readdirSync(kernels) : []) {
    try {
      const { pid } = JSON.parse(fs.readFileSync(path.join(kernels, id, "kernel.json"), "utf8")) as { pid: number };
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/**
 * The SSH host a suite of `tfjs-studio connect` tests runs against: Debian's sshd on 127.0.0.1 with its key in a
 * known_hosts of the suite's, the host's folder and the runtime archive's cache in the suite's folder (not the
 * developer's ~/.cache), and no agent of theirs to log in with. `connect` and `cli` run the command against it.
 */
export class ConnectTestHost {
  private readonly running: ConnectProcess[] = [];

  private constructor(
    readonly work: string,
    readonly sshd: Sshd,
    readonly knownHosts: string,
  ) {}

  /** `sshdOptions` gets the suite's folder, for files its sessions need (fake commands on their PATH). */
  static async start(prefix: string, sshdOptions: (work: string) => SshdOptions = () => ({})): Promise<ConnectTestHost> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const sshd = await startSshd(work, "sshd", sshdOptions(work));
    const knownHosts = path.join(work, "known_hosts");
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    return new ConnectTestHost(work, sshd, knownHosts);
  }

  get destination(): string {
    return `ssh://${this.sshd.user}@127.0.0.1:${this.sshd.port}`;
  }

  /** The host's ~/.tfjs-studio. */
  get remoteDir(): string {
    return path.join(this.work, "remote-home", ".tfjs-studio");
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, XDG_CACHE_HOME: path.join(this.work, "cache"), SSH_AUTH_SOCK: "" };
  }

  /** `tfjs-studio connect` to this host, running until endConnects. */
  connect(...args: string[]): ConnectProcess {
    const connectProcess = new ConnectProcess(this.connectArgs(args), this.env);
    this.running.push(connectProcess);
    return connectProcess;
  }

  /** `tfjs-studio connect` to this host, run to its end. */
  cli(...args: string[]): ReturnType<typeof runCli> {
    return runCli(["connect", ...this.connectArgs(args)], { env: this.env });
  }

  /** Ctrl-C to each connect still running: its tunnels close, its kernel runs on. */
  async endConnects(): Promise<void> {
    for (const connectProcess of this.running.splice(0)) {
      connectProcess.child.kill("SIGINT");
      await connectProcess.exited;
    }
  }

  /** Ends the connects, every kernel started on the host, and sshd, and removes the suite's folder. */
  async stop(): Promise<void> {
    await this.endConnects();
    killRemoteKernels(this.remoteDir);
    await this.sshd.stop();
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  private connectArgs(args: string[]): string[] {
    return [this.destination, "--identity", this.sshd.userKey, "--known-hosts", this.knownHosts, "--remote-dir", this.remoteDir, ...args];
  }
}
