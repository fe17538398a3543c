// Runs the `tfjs-studio` command line (dist/cli/main.js) from the extension host, on the Node that runs kernels:
// packaging and serving load tfjs, which stays out of the extension host's process.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import { packageRoot } from "../../protocol/packageRoot";
import { findKernelNode } from "../nodeForKernel";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `tfjs-studio ARGS`; the caller reads its output and ends it. */
export async function spawnStudioCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const config = vscode.workspace.getConfiguration("tfjsStudio");
  const node = await findKernelNode({
    configuredPath: config.get<string>("nodePath"),
    env: process.env,
    hostExecPath: process.execPath,
    hostIsElectron: process.versions.electron !== undefined,
  });
  const backend = config.get<string>("backend", "auto");
  return spawn(node.command, [path.join(packageRoot(), "dist", "cli", "main.js"), ...args], {
    cwd,
    env: { ...process.env, ...node.env, ...(backend === "auto" ? {} : { TFJS_STUDIO_BACKEND: backend }), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs `tfjs-studio ARGS` to its end; past `timeoutMs`, ends it and says so on stderr. */
export async function runStudioCli(args: string[], cwd: string, timeoutMs?: number): Promise<CliRun> {
  const child = await spawnStudioCli(args, cwd);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      stderr += `tfjs-studio ${args[0]}: no answer after ${timeoutMs / 1000} s (is the network or the AWS endpoint reachable?)\n`;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Where the endpoint commands run the CLI: the first workspace folder. */
export function workspaceCwd(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

/** A command's handler whose failure is logged and shown instead of lost. */
export function reportedCommand(id: string, log: vscode.OutputChannel, run: (...args: unknown[]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    try {
      await run(...args);
    } catch (error) {
      log.appendLine(`${id}: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    }
  };
}
