// `tfjs-studio run NOTEBOOK.ipynb`: executes every code cell in a fresh kernel and saves the outputs, as
// `jupyter nbconvert --to notebook --execute` does.
import * as path from "node:path";
import { RequestTimeoutError } from "../client/kernelClient";
import type { KernelHandle } from "../client/kernelHandle";
import { kernelArgv, launchKernel } from "../client/kernelLauncher";
import { JsonObject, JupyterMessage } from "../protocol/messages";
import { Cell, Notebook, Output, readNotebook } from "./notebookFile";
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

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

interface RunArguments {
  notebook: string;
  output: string;
  timeoutMs?: number;
  kernelArgv?: string[];
  force: boolean;
}

export async function runNotebook(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const parsed = parseArguments(args);
  if (typeof parsed === "string") {
    process.stderr.write(`tfjs-studio run: ${parsed}\n${USAGE}`);
    return EXIT_USAGE;
  }

  // Everything that can be checked is, before a kernel starts: a run that fails after it may lose every result.
  let notebook: Notebook;
  try {
    notebook = readNotebook(parsed.notebook);
    const other = otherKernel(notebook.metadata);
    if (other && !parsed.force) throw new Error(`${parsed.notebook} is a notebook for ${other}, not for tfjs-studio (TypeScript); --force runs it anyway`);
    prepareOutputFile(parsed.output);
  } catch (error) {
    report((error as Error).message);
    return EXIT_FAILED;
  }

  let kernel: KernelHandle;
  try {
    kernel = await launchKernel({ argv: parsed.kernelArgv ?? kernelArgv(), cwd: path.dirname(path.resolve(parsed.notebook)) });
  } catch (error) {
    report((error as Error).message);
    return EXIT_FAILED;
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
      return EXIT_FAILED;
    }
    if (stoppedBy) return EXIT_INTERRUPTED;
    return succeeded ? EXIT_OK : EXIT_FAILED;
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
  const displays = new DisplayRegistry();
  for (const [position, index] of codeCells.entries()) {
    const cell = notebook.cells[index];
    const code = sourceText(cell);
    const where = `cell ${index} (${JSON.stringify(firstLine(code))})`;
    report(`[${position + 1}/${codeCells.length}] executing ${where}`);
    cell.outputs = [];
    cell.execution_count = null;
    const outputs = new CellOutputs(cell.outputs, displays);
    try {
      const { reply } = await kernel.client.execute(code, {
        store_history: true,
        stop_on_error: true,
        timeoutMs,
        onIopub: (message) => {
          // As nbclient: the count is known from execute_input on, so even a cell that never finishes shows it.
          if (typeof message.content.execution_count === "number") cell.execution_count = message.content.execution_count;
          outputs.add(message);
        },
      });
      if (typeof reply.content.execution_count === "number") cell.execution_count = reply.content.execution_count;
      if (reply.content.status !== "ok") {
        const failure = reply.content.status === "error" ? `${reply.content.ename}: ${reply.content.evalue}` : `status ${reply.content.status}`;
        report(`${where} failed: ${failure}`);
        return false;
      }
    } catch (error) {
      if (stoppedBy()) {
        report(`stopped by ${stoppedBy()} while executing ${where}`);
      } else if (error instanceof RequestTimeoutError) {
        await kernel.interrupt().catch(() => {});
        const evalue = `cell did not finish within ${timeoutMs! / 1000} s`;
        cell.outputs.push({ output_type: "error", ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] });
        report(`${where} failed: CellTimeoutError: ${evalue}`);
      } else {
        report(`kernel stopped while executing ${where}: ${(error as Error).message}`);
      }
      return false;
    }
  }
  return true;
}

/** Where each display_id is shown, so update_display_data can replace it, in whichever cell it is. */
class DisplayRegistry {
  private readonly outputsById = new Map<string, Output[]>();

  show(displayId: string, output: Output): void {
    const outputs = this.outputsById.get(displayId) ?? [];
    outputs.push(output);
    this.outputsById.set(displayId, outputs);
  }

  /** Cleared outputs may still be listed here; updating them is harmless as nothing refers to them any more. */
  update(displayId: string, content: JsonObject): void {
    for (const output of this.outputsById.get(displayId) ?? []) {
      output.data = content.data;
      output.metadata = content.metadata;
    }
  }
}

/** Turns one cell's IOPub messages into nbformat 4 outputs, as nbclient does. */
class CellOutputs {
  private clearBeforeNextOutput = false;

  constructor(
    private readonly outputs: Output[],
    private readonly displays: DisplayRegistry,
  ) {}

  add(message: JupyterMessage): void {
    const content = message.content;
    const msgType = message.header.msg_type;
    const transient = content.transient as { display_id?: unknown } | undefined;
    const displayId = typeof transient?.display_id === "string" ? transient.display_id : undefined;
    // A new display or result with a known display_id updates the earlier ones too.
    if (displayId && ["display_data", "update_display_data", "execute_result"].includes(msgType)) {
      this.displays.update(displayId, content);
    }
    switch (msgType) {
      case "clear_output":
        if (content.wait) this.clearBeforeNextOutput = true;
        else this.outputs.length = 0;
        return;
      case "stream":
        return this.append({ output_type: "stream", name: content.name, text: content.text });
      case "display_data":
        return this.append({ output_type: "display_data", data: content.data, metadata: content.metadata }, displayId);
      case "execute_result": {
        const output = { output_type: "execute_result", data: content.data, metadata: content.metadata, execution_count: content.execution_count };
        return this.append(output, displayId);
      }
      case "error":
        return this.append({ output_type: "error", ename: content.ename, evalue: content.evalue, traceback: content.traceback });
    }
  }

  private append(output: Output, displayId?: string): void {
    if (this.clearBeforeNextOutput) {
      this.outputs.length = 0;
      this.clearBeforeNextOutput = false;
    }
    const last = this.outputs[this.outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = String(last.text) + String(output.text);
      return;
    }
    this.outputs.push(output);
    if (displayId) this.displays.show(displayId, output);
  }
}

function parseArguments(args: string[]): RunArguments | string {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inlineValue] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (name === "--force") {
      if (inlineValue !== undefined) return "--force takes no value";
      force = true;
      continue;
    }
    if (!["--output", "--timeout", "--kernel-argv-json"].includes(name)) return `unknown option ${name}`;
    const value = inlineValue ?? args[++i];
    if (value === undefined) return `${name} needs a value`;
    options.set(name, value);
  }
  if (positional.length !== 1) return positional.length === 0 ? "no notebook given" : `expected one notebook, got ${positional.join(" ")}`;
  const [notebook] = positional;

  let timeoutMs: number | undefined;
  const timeout = options.get("--timeout");
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (timeout.trim() === "" || !(seconds > 0) || !Number.isFinite(seconds)) return `--timeout must be a positive number of seconds, got ${timeout}`;
    if (seconds > MAX_TIMEOUT_SECONDS) return `--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), got ${timeout}`;
    timeoutMs = seconds * 1000;
  }

  let argv: string[] | undefined;
  const argvJson = options.get("--kernel-argv-json");
  if (argvJson !== undefined) {
    try {
      argv = JSON.parse(argvJson);
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((part) => typeof part === "string")) {
      return `--kernel-argv-json must be a non-empty JSON array of strings, got ${argvJson}`;
    }
  }
  return { notebook, output: options.get("--output") ?? notebook, timeoutMs, kernelArgv: argv, force };
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
