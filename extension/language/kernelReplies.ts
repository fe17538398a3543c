// Turns complete_reply and inspect_reply content into editor terms: UTF-16 offsets in the cell, completion kinds, hover
// text. No vscode import: unit-tested in mocha. Jupyter counts cursor positions in code points, editors in UTF-16 units.
import { codePointToUtf16, utf16ToCodePoint } from "../../protocol/codePoints";

/** The name of a vscode.CompletionItemKind member. */
export type CompletionKindName =
  | "Keyword" | "Variable" | "Constant" | "Field" | "Property" | "Function" | "Method" | "Constructor" | "Enum" | "EnumMember"
  | "Module" | "Class" | "Interface" | "TypeParameter" | "File" | "Folder" | "Text";

export interface KernelCompletion {
  /** What the item inserts (and shows). */
  text: string;
  kind: CompletionKindName;
  /** The replaced text of the cell, in UTF-16 offsets. */
  start: number;
  end: number;
}

/** The cursor_pos of a request: the editor's UTF-16 offset in code points. */
export function cursorPos(cellText: string, utf16Offset: number): number {
  return utf16ToCodePoint(cellText, utf16Offset);
}

/** TypeScript's ScriptElementKind (sent as `type` in _jupyter_types_experimental), mapped as VS Code's TypeScript support does. */
const KINDS = new Map<string, CompletionKindName>([
  ["keyword", "Keyword"], ["primitive type", "Keyword"], ["var", "Variable"], ["local var", "Variable"],
  ["let", "Variable"], ["using", "Variable"], ["await using", "Variable"], ["parameter", "Variable"],
  ["alias", "Variable"], ["const", "Constant"], ["string", "Constant"], ["property", "Field"], ["getter", "Field"],
  ["setter", "Field"], ["accessor", "Property"], ["JSX attribute", "Property"], ["function", "Function"],
  ["local function", "Function"], ["method", "Method"], ["call", "Method"], ["index", "Method"],
  ["construct", "Constructor"], ["constructor", "Constructor"], ["enum", "Enum"], ["enum member", "EnumMember"],
  ["module", "Module"], ["external module name", "Module"], ["class", "Class"], ["local class", "Class"],
  ["type", "Class"], ["interface", "Interface"], ["type parameter", "TypeParameter"], ["script", "File"],
  ["directory", "Folder"],
]);

export function completionKind(type: unknown): CompletionKindName {
  return (typeof type === "string" && KINDS.get(type)) || "Property";
}

interface TypedMatch {
  text?: unknown;
  type?: unknown;
  start?: unknown;
  end?: unknown;
}

/** The items of a complete_reply for the cell text the request was made with; nothing for a failed or malformed reply. */
export function completionsFromReply(content: Record<string, unknown>, cellText: string): KernelCompletion[] {
  if (content.status !== "ok" || !Array.isArray(content.matches)) return [];
  const offset = (codePoints: unknown, fallback: number): number =>
    typeof codePoints === "number" && Number.isInteger(codePoints) && codePoints >= 0 ? codePointToUtf16(cellText, codePoints) : fallback;
  const end = offset(content.cursor_end, cellText.length);
  const start = Math.min(offset(content.cursor_start, end), end);
  const metadata = content.metadata as Record<string, unknown> | undefined;
  const typed = Array.isArray(metadata?._jupyter_types_experimental) ? (metadata._jupyter_types_experimental as TypedMatch[]) : [];
  const typeOf = new Map(typed.filter((entry) => typeof entry?.text === "string").map((entry) => [entry.text as string, entry]));
  return content.matches
    .filter((match): match is string => typeof match === "string" && match !== "")
    .map((text) => {
      const entry = typeOf.get(text);
      const itemEnd = entry ? offset(entry.end, end) : end;
      return { text, kind: completionKind(entry?.type), start: entry ? Math.min(offset(entry.start, start), itemEnd) : start, end: itemEnd };
    });
}

export type HoverText = { markdown: string } | { plain: string };

/** The hover of an inspect_reply: its markdown when it has some, else its plain text; undefined when nothing was found. */
export function hoverFromReply(content: Record<string, unknown>): HoverText | undefined {
  if (content.status !== "ok" || content.found !== true) return undefined;
  const data = (content.data ?? {}) as Record<string, unknown>;
  const markdown = data["text/markdown"];
  if (typeof markdown === "string" && markdown.trim()) return { markdown };
  const plain = data["text/plain"];
  return typeof plain === "string" && plain.trim() ? { plain } : undefined;
}
