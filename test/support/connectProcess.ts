// `tfjs-studio connect` as the remote kernel tests run it: a child process whose stderr is collected and waited on,
// and cells run through the connection file it writes by Debian's jupyter_client.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../protocol/packageRoot";
import { runProcess } from "./cli";

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
