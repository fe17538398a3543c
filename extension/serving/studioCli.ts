// Runs the `tfjs-studio` command line (dist/cli/main.js) from the extension host, on the Node that runs kernels:
// packaging and serving load tfjs, which stays out of the extension host's process.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import type { SshPrompts } from "../../client/ssh/sshAuthentication";
import { packageRoot } from "../../protocol/packageRoot";
import { PROMPTS_AS_LINES, PROMPTS_ENV, parsePromptLine, type PromptAnswer, type PromptQuestion } from "../../protocol/promptLine";
import { findKernelNode } from "../nodeForKernel";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `tfjs-studio ARGS`; the caller reads its output and ends it. With `prompts`, what the command must ask
 * (an unknown SSH host key, a passphrase) is asked with them, in VS Code; without, the command gets no answer.
 */
export async function spawnStudioCli(args: string[], cwd: string, env: Record<string, string> = {}, prompts?: SshPrompts): Promise<ChildProcess> {
  const config = vscode.workspace.getConfiguration("tfjsStudio");
  const node = await findKernelNode({
    configuredPath: config.get<string>("nodePath"),
    env: process.env,
    hostExecPath: process.execPath,
    hostIsElectron: process.versions.electron !== undefined,
  });
  const backend = config.get<string>("backend", "auto");
  const child = spawn(node.command, [path.join(packageRoot(), "dist", "cli", "main.js"), ...args], {
    cwd,
    env: { ...process.env, ...node.env, ...(backend === "auto" ? {} : { TFJS_STUDIO_BACKEND: backend }), ...env, ...(prompts ? { [PROMPTS_ENV]: PROMPTS_AS_LINES } : {}) },
    stdio: [prompts ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (prompts) answerPrompts(child, prompts);
  return child;
}

/** Asks each question the command's prompt lines put, and writes the answer to its stdin. */
function answerPrompts(child: ChildProcess, prompts: SshPrompts): void {
  let pending = "";
  let answering = Promise.resolve();
  child.stderr?.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const question of lines.flatMap((line) => parsePromptLine(line) ?? [])) {
      // In order: the command waits for each answer before it asks again.
      answering = answering.then(async () => {
        const answer: PromptAnswer = { answer: (await ask(question, prompts)) ?? null };
        if (child.stdin?.writable) child.stdin.write(`${JSON.stringify(answer)}\n`);
      });
    }
  });
  child.stdin?.on("error", () => {});
}

function ask(question: PromptQuestion, prompts: SshPrompts): Promise<string | boolean | undefined> {
  switch (question.kind) {
    case "hostKey":
      return prompts.confirmHostKey(question);
    case "secret":
      return prompts.secret(question.prompt);
    case "confirm":
      return Promise.resolve(vscode.window.showWarningMessage(question.question, { modal: true }, "Yes").then((choice) => choice === "Yes"));
  }
}

/** Runs `tfjs-studio ARGS` to its end; past `timeoutMs`, ends it and says so on stderr. `prompts`: as spawnStudioCli. */
export async function runStudioCli(args: string[], cwd: string, timeoutMs?: number, prompts?: SshPrompts): Promise<CliRun> {
  const child = await spawnStudioCli(args, cwd, {}, prompts);
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
