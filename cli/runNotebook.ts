// `tfjs-studio run NOTEBOOK.ipynb`: executes every code cell in a fresh kernel and saves the outputs, as
// `jupyter nbconvert --to notebook --execute` does.
import * as path from "node:path";
import { RequestTimeoutError } from "../client/kernelClient";
import type { KernelHandle } from "../client/kernelHandle";
import { kernelArgv, launchKernel } from "../client/kernelLauncher";
import { OutputReducer } from "../client/outputReducer";
import type { JupyterMessage } from "../protocol/messages";
import { parseCommandLine, usageError, type ParsedCommandLine } from "./commandLine";
import { ExitCode } from "./exitCodes";
import { Cell, Notebook, readNotebook } from "./notebookFile";
import { otherKernel } from "./notebookKernel";
import { prepareOutputFile, saveNotebook } from "./notebookOutputFile";

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer one fires at once. */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const USAGE = `usage: tfjs-studio run NOTEBOOK.ipynb [--output OUT.ipynb] [--timeout SECONDS] [--force] [--kernel-argv-json '["cmd", ...]']

Executes the notebook's code cells in order in a new kernel started in the notebook's folder, and writes the
notebook with their outputs to OUT.ipynb (default: the notebook itself; a missing folder is created). Stops at
the first failing cell.
  --timeout SECONDS          per-cell time limit (default: none; at most ${MAX_TIMEOUT_SECONDS})
  --force                    run a notebook whose metadata names another language or kernel
  --kernel-argv-json JSON    kernel command as a JSON array, "{connection_file}" standing for the connection file
`;


interface RunArguments {
  notebook: string;
  output: string;
  timeoutMs?: number;
  kernelArgv?: string[];
  force: boolean;
}

const OPTIONS = {
  output: { type: "string" },
  timeout: { type: "string" },
  force: { type: "boolean" },
  "kernel-argv-json": { type: "string" },
} as const;

export async function runNotebook(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("run", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const parsed = runArguments(commandLine);
  if (typeof parsed === "string") return usageError("run", parsed, () => USAGE);

  // Everything that can be checked is, before a kernel starts: a run that fails after it may lose every result.
  let notebook: Notebook;
  try {
    notebook = readNotebook(parsed.notebook);
    const other = otherKernel(notebook.metadata);
    if (other && !parsed.force) throw new Error(`${parsed.notebook} is a notebook for ${other}, not for tfjs-studio (TypeScript); --force runs it anyway`);
    prepareOutputFile(parsed.output);
  } catch (error) {
    report((error as Error).message);
    return ExitCode.Failed;
  }

  let kernel: KernelHandle;
  try {
    kernel = await launchKernel({ argv: parsed.kernelArgv ?? kernelArgv(), cwd: path.dirname(path.resolve(parsed.notebook)) });
  } catch (error) {
    report((error as Error).message);
    return ExitCode.Failed;
  }

  // The kernel has a process group of its own, so a Ctrl-C reaches only us: take the kernel down with us.
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    stoppedBy = signal;
    kernel.kill();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    const succeeded = await executeCells(notebook, kernel, parsed.timeoutMs, () => stoppedBy);
    try {
      saveNotebook(parsed.output, notebook);
    } catch (error) {
      report((error as Error).message);
      return ExitCode.Failed;
    }
    if (stoppedBy) return ExitCode.Interrupted;
    return succeeded ? ExitCode.Ok : ExitCode.Failed;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await kernel.shutdown();
  }
}

/** Runs the code cells in order, stopping at the first that fails; true when all succeeded. */
async function executeCells(
  notebook: Notebook,
  kernel: KernelHandle,
  timeoutMs: number | undefined,
  stoppedBy: () => NodeJS.Signals | undefined,
): Promise<boolean> {
  // nbclient skips code cells without code, leaving them untouched.
  const codeCells = notebook.cells.flatMap((cell, index) =>
    cell.cell_type === "code" && sourceText(cell).trim() !== "" ? [index] : [],
  );
  const outputs = new OutputReducer<number>();
  // Display updates come for earlier cells too (a fit that was not awaited), so all are taken from the client.
  const onUpdate = (message: JupyterMessage) => void outputs.updateDisplay(message);
  kernel.client.on("iopub", onUpdate);
  const executed: number[] = [];
  try {
    for (const [position, index] of codeCells.entries()) {
      executed.push(index);
      const succeeded = await executeCell(notebook.cells[index], index, kernel, outputs, timeoutMs, stoppedBy, `[${position + 1}/${codeCells.length}]`);
      if (!succeeded) return false;
    }
    return true;
  } finally {
    kernel.client.off("iopub", onUpdate);
    // Outputs of earlier cells may have changed since (display updates, live metrics ended).
    for (const index of executed) notebook.cells[index].outputs = outputs.outputs(index);
  }
}

async function executeCell(
  cell: Cell,
  index: number,
  kernel: KernelHandle,
  outputs: OutputReducer<number>,
  timeoutMs: number | undefined,
  stoppedBy: () => NodeJS.Signals | undefined,
  progress: string,
): Promise<boolean> {
  const code = sourceText(cell);
  const where = `cell ${index} (${JSON.stringify(firstLine(code))})`;
  report(`${progress} executing ${where}`);
  cell.outputs = [];
  cell.execution_count = null;
  outputs.startCell(index);
  try {
    const { reply } = await kernel.client.execute(code, {
      store_history: true,
      stop_on_error: true,
      timeoutMs,
      onIopub: (message) => {
        // As nbclient: the count is known from execute_input on, so even a cell that never finishes shows it.
        if (typeof message.content.execution_count === "number") cell.execution_count = message.content.execution_count;
        if (message.header.msg_type !== "update_display_data") outputs.handle(index, message);
      },
    });
    if (typeof reply.content.execution_count === "number") cell.execution_count = reply.content.execution_count;
    if (reply.content.status === "ok") return true;
    const failure = reply.content.status === "error" ? `${String(reply.content.ename)}: ${String(reply.content.evalue)}` : `status ${String(reply.content.status)}`;
    report(`${where} failed: ${failure}`);
    return false;
  } catch (error) {
    const signal = stoppedBy();
    if (signal) {
      outputs.endLiveRuns("interrupted", `tfjs-studio run was stopped by ${signal}.`);
      report(`stopped by ${signal} while executing ${where}`);
    } else if (error instanceof RequestTimeoutError) {
      await kernel.interrupt().catch(() => {});
      const evalue = `cell did not finish within ${timeoutMs! / 1000} s`;
      // What the kernel publishes after the time-out reaches nobody: live metrics would say "training" for good.
      outputs.endLiveRuns("interrupted", `The ${evalue}.`);
      outputs.addError(index, { ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] });
      report(`${where} failed: CellTimeoutError: ${evalue}`);
    } else {
      outputs.kernelEnded(true, (error as Error).message.replace(/^kernel died: /, ""));
      report(`kernel stopped while executing ${where}: ${(error as Error).message}`);
    }
    return false;
  }
}

function runArguments({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): RunArguments | string {
  if (positionals.length !== 1) return positionals.length === 0 ? "no notebook given" : `expected one notebook, got ${positionals.join(" ")}`;
  const [notebook] = positionals;

  let timeoutMs: number | undefined;
  const timeout = values.timeout;
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (timeout.trim() === "" || !(seconds > 0) || !Number.isFinite(seconds)) return `--timeout must be a positive number of seconds, got ${timeout}`;
    if (seconds > MAX_TIMEOUT_SECONDS) return `--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), got ${timeout}`;
    timeoutMs = seconds * 1000;
  }

  let argv: string[] | undefined;
  const argvJson = values["kernel-argv-json"];
  if (argvJson !== undefined) {
    try {
      argv = JSON.parse(argvJson) as string[];
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((part) => typeof part === "string")) {
      return `--kernel-argv-json must be a non-empty JSON array of strings, got ${argvJson}`;
    }
  }
  return { notebook, output: values.output ?? notebook, timeoutMs, kernelArgv: argv, force: values.force ?? false };
}

function sourceText(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

function firstLine(code: string): string {
  const line = code.trim().split("\n")[0];
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function report(message: string): void {
  process.stderr.write(`${message}\n`);
}
