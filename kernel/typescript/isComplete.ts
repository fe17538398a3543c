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
  // Only errors at the very end (`1 +`, an unclosed `{`) can be mended by more input; one earlier (`function ((`)
  // is a real mistake that no continuation makes valid.
  const { diagnostics = [] } = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { noEmit: true } });
  const end = code.trimEnd().length;
  if (diagnostics.some((d) => (d.start ?? 0) < end)) return { status: "invalid" };
  if (open.length > 0 || unterminated || diagnostics.length > 0) return { status: "incomplete", indent: INDENT.repeat(open.length) };
  return { status: "complete" };
}
