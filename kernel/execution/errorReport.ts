// Builds the Jupyter `error` content (ename, evalue, traceback) for type errors, runtime
// errors and interrupts, with stack frames mapped back to cell lines through source maps.
import { SourceMap, type SourceMapPayload } from "node:module";
import { inspect } from "node:util";
import type { ErrorContent } from "../../protocol/messageContents";
import type { CellDiagnostic } from "../typescript/cellCompiler";
import { describeThrown } from "../inKernelModules/mimeBundle";
import { InterruptedError } from "./interrupts";

const RED = "\x1b[31m";
const GREEN = "\x1b[32m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

interface CellSource {
  label: string;
  code: string;
  map: SourceMap;
  /** The line of the wrapper's `})()`, whose frame is the kernel's, not the user's. */
  wrapperLine: number;
}

export class CellSources {
  private readonly byFile = new Map<string, CellSource>();

  add(file: string, label: string, code: string, sourceMap: string, jsLineCount: number): void {
    this.byFile.set(file, { label, code, map: new SourceMap(JSON.parse(sourceMap) as SourceMapPayload), wrapperLine: jsLineCount + 1 });
  }

  get(file: string): CellSource | undefined {
    return this.byFile.get(file);
  }
}

/**
 * Where a traceback line points into a cell, it starts with "Cell In[N], line L", as ipykernel's do: VS Code links
 * exactly that, and drops the rest of the line, so a message goes on a line of its own, before its location.
 */
function cellLocation(label: string, line: number, column: number): string {
  return `${label}, line ${line}, column ${column}`;
}

export function typeErrorReport(diagnostics: CellDiagnostic[], label: string): ErrorContent {
  const first = diagnostics[0];
  const traceback = diagnostics.map((d) => {
    const lines = [`${BOLD}error TS${d.code}${RESET}: ${d.message}`, `${RED}${cellLocation(label, d.line, d.column)}${RESET}`];
    if (d.lineText) {
      lines.push(`  ${d.lineText}`);
      lines.push(`  ${" ".repeat(Math.max(d.column - 1, 0))}${RED}${"~".repeat(Math.max(1, Math.min(d.length, d.lineText.length - d.column + 1)))}${RESET}`);
    }
    return lines.join("\n");
  });
  return {
    ename: "TypeScriptError",
    evalue: `TS${first.code}: ${first.message} (line ${first.line}, column ${first.column})`,
    traceback,
    diagnostics: diagnostics.map(({ line, column, length, code, message }) => ({ line, column, length, code, message, category: "error" })),
  };
}

function interruptReport(error: InterruptedError): ErrorContent {
  return { ename: error.name, evalue: error.message, traceback: [`${RED}${error.name}${RESET}: ${error.message}`] };
}

const FRAME = /^\s*at (?:(async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * A runtime error, with frames inside cells mapped to cell lines and kernel frames left out. Never throws: what
 * user code throws may have getters (name, message, stack) or Proxy traps that throw.
 */
export function runtimeErrorReport(error: unknown, sources: CellSources, isKernelFile: (file: string) => boolean): ErrorContent {
  try {
    return errorReport(error, sources, isKernelFile);
  } catch {
    const evalue = describeThrown(error);
    return { ename: "Uncaught", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue} (its details could not be read)`] };
  }
}

function errorReport(error: unknown, sources: CellSources, isKernelFile: (file: string) => boolean): ErrorContent {
  if (error instanceof InterruptedError) return interruptReport(error);
  if (!(error instanceof Error) && !(typeof error === "object" && error !== null && "stack" in error)) {
    const evalue = inspect(error);
    return { ename: "Uncaught", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue}`] };
  }
  const err = error as Error;
  const ename = String(err.name || err.constructor?.name || "Error");
  const evalue = String(err.message ?? "");
  const frames: string[] = [];
  let excerpt: string | undefined;
  for (const line of String(err.stack ?? "").split("\n").slice(1)) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, asyncPrefix = "", fn, file, lineText, columnText] = match;
    const cell = sources.get(file);
    if (cell) {
      if (Number(lineText) >= cell.wrapperLine) continue;
      const entry = cell.map.findEntry(Number(lineText) - 1, Number(columnText) - 1) as { originalLine?: number; originalColumn?: number };
      if (entry.originalLine === undefined) continue;
      const cellLine = entry.originalLine + 1;
      const where = `${GREEN}${cellLocation(cell.label, cellLine, (entry.originalColumn ?? 0) + 1)}${RESET}`;
      frames.push(fn ? `${where}, in ${asyncPrefix}${fn}` : where);
      excerpt ??= codeExcerpt(cell, cellLine);
    } else if (!isKernelFile(file) && !file.startsWith("node:")) {
      frames.push(line.replace(/^\s*/, "    "));
    }
  }
  const header = `${RED}${BOLD}${ename}${RESET}: ${evalue}`;
  return { ename, evalue, traceback: [header, ...(excerpt ? [excerpt] : []), ...frames] };
}

/** IPython-style excerpt: the failing line of the cell marked with an arrow, two lines around it. */
function codeExcerpt(cell: CellSource, line: number): string {
  const lines = cell.code.split(/\r?\n/);
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out = [`${GREEN}${cell.label}, line ${line}${RESET}`];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? `${GREEN}---> ${RESET}` : "     ";
    out.push(`${marker}${String(n).padStart(width)} ${lines[n - 1]}`);
  }
  return out.join("\n");
}
