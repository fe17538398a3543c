// Runs the built `tfjs-studio` command line (bin/tfjs-studio), or another program, in a child process and collects
// what it prints.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { packageRoot } from "../../protocol/packageRoot";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the command was killed for running past killAfterMs. */
  killed: boolean;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills a command that has not exited by then, so a hang fails the test instead of outliving it. */
  killAfterMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [path.join(packageRoot(), "bin", "tfjs-studio"), ...args], options);
}

/** Runs a program and collects what it prints, without blocking this process (which may serve what it calls). */
export function runProcess(command: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    const killTimer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = true;
            child.kill("SIGKILL");
          }, options.killAfterMs);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killTimer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}
