// is_complete: whether a console frontend should run the code or ask for another line.
import type { TypeScript } from "./loadTypeScript";

export type Completeness = { status: "complete" } | { status: "invalid" } | { status: "incomplete"; indent: string };

const INDENT = "  ";

export function checkComplete(ts: TypeScript, code: string): Completeness {
  if (code.trim() === "") return { status: "complete" };
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  // What is open: brackets, and template literals waiting for the `}` of a `${`.
  const open: ("{" | "(" | "[" | "`")[] = [];
  const closes: Partial<Record<number, string>> = { [K.CloseBraceToken]: "{", [K.CloseParenToken]: "(", [K.CloseBracketToken]: "[" };
  let unterminated = false;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if (token === K.OpenBraceToken) open.push("{");
    else if (token === K.OpenParenToken) open.push("(");
    else if (token === K.OpenBracketToken) open.push("[");
    else if (token === K.TemplateHead) open.push("`");
    else if (token === K.CloseBraceToken && open.at(-1) === "`") {
      if (scanner.reScanTemplateToken(false) === K.TemplateTail) open.pop();
    } else if (closes[token]) {
      if (open.pop() !== closes[token]) return { status: "invalid" };
    }
    if (scanner.isUnterminated()) unterminated = true;
  }
  if (open.length > 0 || unterminated) return { status: "incomplete", indent: INDENT.repeat(open.length) };
  const { diagnostics = [] } = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { noEmit: true } });
  if (diagnostics.length === 0) return { status: "complete" };
  // An error at the very end (e.g. `1 +`) wants more input; one earlier is a real mistake.
  const end = code.trimEnd().length;
  return diagnostics.every((d) => (d.start ?? 0) >= end) ? { status: "incomplete", indent: "" } : { status: "invalid" };
}
