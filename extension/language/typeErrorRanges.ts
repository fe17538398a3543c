// Reads the type errors of a TypeScriptError execute_reply (its `diagnostics`, see kernel/execution/errorReport.ts) as
// editor ranges. No vscode import: unit-tested in mocha.
import type { ErrorDiagnostic } from "../../protocol/messageContents";

export interface EditorPosition {
  /** 0-based, as in vscode.Position. */
  line: number;
  /** 0-based UTF-16 code units. */
  character: number;
}

export interface TypeErrorMark {
  start: EditorPosition;
  end: EditorPosition;
  message: string;
  code: number;
}

function isDiagnostic(value: unknown): value is ErrorDiagnostic {
  const d = value as Partial<ErrorDiagnostic> | null;
  return (
    typeof d === "object" && d !== null &&
    Number.isInteger(d.line) && Number.isInteger(d.column) && Number.isInteger(d.length) &&
    typeof d.message === "string" && typeof d.code === "number"
  );
}

/** The marks of an execute_reply's type errors, placed in the cell text; none for a success or another error. */
export function typeErrorMarks(reply: Record<string, unknown> | undefined, cellText: string): TypeErrorMark[] {
  if (reply?.status !== "error" || reply.ename !== "TypeScriptError" || !Array.isArray(reply.diagnostics)) return [];
  const lines = cellText.split("\n");
  // Offsets of each line start; a \r before \n stays part of its line, as in the kernel's count.
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const positionAt = (target: number): EditorPosition => {
    const clamped = Math.max(0, Math.min(target, cellText.length));
    let line = lineStarts.length - 1;
    while (line > 0 && lineStarts[line] > clamped) line--;
    return { line, character: clamped - lineStarts[line] };
  };
  return reply.diagnostics.filter(isDiagnostic).map((d) => {
    const { message, code } = d;
    // Line 0: an error without a place in the cell (e.g. a compiler option); mark the first line.
    if (d.line < 1 || d.line > lines.length) return { start: { line: 0, character: 0 }, end: { line: 0, character: lines[0].length }, message, code };
    const start = lineStarts[d.line - 1] + Math.max(0, Math.min(d.column - 1, lines[d.line - 1].length));
    // A zero-length error (e.g. a missing token) still gets one character, unless it sits at the very end.
    return { start: positionAt(start), end: positionAt(start + Math.max(1, d.length)), message, code };
  });
}
