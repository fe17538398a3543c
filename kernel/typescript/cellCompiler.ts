// Type-checks and compiles notebook cells against the declarations of the cells before them,
// and answers completion and inspection requests with the same knowledge.
import { join } from "node:path";
import type * as TS from "typescript";
import { packageRoot } from "../../protocol/packageRoot";
import { CellDeclarations } from "./cellDeclarations";
import { CellLanguageService } from "./cellLanguageService";
import { topLevelNames } from "./cellNames";
import { cellRuntimeTransformer, type TransformedNames } from "./cellTransformer";
import { cellCompilerOptions } from "./compilerOptions";
import { loadTypeScript, type TypeScript } from "./loadTypeScript";

/** TS7016 "could not find a declaration file": an untyped package is usable as `any` in a notebook. */
const IGNORED_DIAGNOSTICS = new Set([7016]);

export interface CellDiagnostic {
  code: number;
  message: string;
  /** 1-based line and column in the cell. */
  line: number;
  column: number;
  lineText: string;
  length: number;
}

export interface CompiledCell {
  /** JavaScript statements for the body of an async function; the last expression is returned as `[value]`. */
  js: string;
  sourceMap: string;
  /** Globals the cell assigns. */
  runtimeNames: string[];
  /** Records the cell's declarations for the cells after it; call once it has run. */
  commit(): void;
}

/** A cell's JavaScript and declarations, as emitted from one program. */
interface EmittedCell {
  js: string;
  sourceMap: string;
  runtimeNames: string[];
  dts: string;
}

export type CompileResult = { ok: true; cell: CompiledCell } | { ok: false; diagnostics: CellDiagnostic[] };

export interface Completion {
  text: string;
  type: string;
  sortText: string;
}

export interface Inspection {
  signature: string;
  documentation: string;
  tags: string[];
}

export class CellCompiler {
  readonly ts: TypeScript;
  readonly typescriptVersion: string;
  readonly configFile: string | undefined;
  readonly configErrors: string[];
  private readonly options: TS.CompilerOptions;
  private readonly languageService: CellLanguageService;
  /** The same cell against the standard library alone, until the full service is warm: see compile(). */
  private standardLibraryService: CellLanguageService | undefined;
  private readonly declarations: CellDeclarations;
  private lastEmit: { program: TS.Program; emitted: EmittedCell } | undefined;

  constructor(readonly notebookDir: string) {
    const ts = (this.ts = loadTypeScript());
    this.typescriptVersion = ts.version;
    const { options, configFile, configErrors } = cellCompilerOptions(ts, notebookDir);
    this.options = options;
    this.configFile = configFile;
    this.configErrors = configErrors;
    const kernelTypes = join(packageRoot(), "dist", "kernel", "types", "tfjs-studio.d.ts");
    // The cell lives beside the notebook so relative imports and node_modules resolve from there.
    const cellFile = join(notebookDir, "__tfjs_studio_cell__.ts");
    this.languageService = new CellLanguageService(ts, cellFile, [kernelTypes], options, notebookDir);
    // Without the JSDoc that only hover and completions show (tsc's mode): it was a quarter of the parse.
    const checkOnly = ts.JSDocParsingMode.ParseForTypeErrors;
    this.standardLibraryService = new CellLanguageService(ts, cellFile, [], { ...options, types: [] }, notebookDir, checkOnly);
    this.declarations = new CellDeclarations(ts);
  }

  /** Loads the standard library and @types so the first real cell is fast. */
  warmUp(): void {
    this.standardLibraryService = undefined;
    this.compileWith(this.languageService, "export {};");
  }

  compile(code: string): CompileResult {
    // Until the full service has parsed @types/node and the kernel's types (half a second, four fifths of the text),
    // a cell that type-checks against the standard library alone (and what it imports) is compiled from that: those
    // declarations add globals, and members to standard interfaces, that such a cell does not use. One that fails,
    // or that adds to the global scope itself, is checked in full, so the errors users see are the full check's.
    if (this.standardLibraryService && !/\bdeclare\s+global\b/.test(code)) {
      const quick = this.compileWith(this.standardLibraryService, code);
      if (quick.ok) return quick;
    }
    this.standardLibraryService = undefined;
    return this.compileWith(this.languageService, code);
  }

  private compileWith(languageService: CellLanguageService, code: string): CompileResult {
    const { service, cellFile } = languageService;
    const names = this.prepare(languageService, code);
    const diagnostics = [...service.getSyntacticDiagnostics(cellFile), ...service.getSemanticDiagnostics(cellFile)]
      .filter((d) => d.category === this.ts.DiagnosticCategory.Error && !IGNORED_DIAGNOSTICS.has(d.code))
      .filter((d) => d.start === undefined || d.start < code.length);
    if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.map((d) => this.toCellDiagnostic(languageService, d, code)) };

    const program = service.getProgram()!;
    // The service keeps its program while neither the cell nor a file it reads changed: a cell run again (the same
    // text after the same declarations) emits what it emitted last time, and emitting was half of its compile.
    const emitted = this.lastEmit?.program === program ? this.lastEmit.emitted : this.emit(program, cellFile, code.length);
    this.lastEmit = { program, emitted };
    const { js, sourceMap, runtimeNames, dts } = emitted;
    return { ok: true, cell: { js, sourceMap, runtimeNames, commit: () => this.declarations.update(dts, names.declared) } };
  }

  private emit(program: TS.Program, cellFile: string, cellLength: number): EmittedCell {
    const transformed: TransformedNames = { runtime: [] };
    const outputs = new Map<string, string>();
    program.emit(program.getSourceFile(cellFile), (name, text) => outputs.set(name, text), undefined, false, {
      after: [cellRuntimeTransformer(this.ts, cellLength, transformed)],
    });
    const file = (suffix: string) => [...outputs].find(([name]) => name.endsWith(suffix))?.[1] ?? "";
    return {
      js: file(".js").replace(/\/\/# sourceMappingURL=.*\s*$/, ""),
      sourceMap: file(".js.map"),
      runtimeNames: transformed.runtime,
      dts: file(".d.ts"),
    };
  }

  /** Compiles a standalone expression (user_expressions) to JavaScript without checking it. */
  transpileExpression(expression: string): string {
    return this.ts.transpile(`(${expression})`, { target: this.options.target });
  }

  completions(code: string, position: number): Completion[] {
    this.prepare(this.languageService, code);
    const result = this.languageService.service.getCompletionsAtPosition(this.languageService.cellFile, position, {
      includeCompletionsWithInsertText: true,
      includeCompletionsForModuleExports: false,
    });
    if (!result) return [];
    const prefix = identifierBefore(code, position).toLowerCase();
    return result.entries
      .filter((entry) => entry.name.toLowerCase().startsWith(prefix))
      .sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1))
      .map((entry) => ({ text: entry.insertText ?? entry.name, type: entry.kind, sortText: entry.sortText }));
  }

  inspect(code: string, position: number): Inspection | undefined {
    this.prepare(this.languageService, code);
    const { service, cellFile } = this.languageService;
    const ts = this.ts;
    // At the end of an identifier the cursor sits just after it.
    const at = position > 0 && !isIdentifierChar(code[position]) ? position - 1 : position;
    const info = service.getQuickInfoAtPosition(cellFile, at);
    // An unresolved name comes back as kind "" with type any: nothing is known about it.
    if (info && info.kind === ts.ScriptElementKind.unknown) return undefined;
    if (info) {
      return {
        signature: ts.displayPartsToString(info.displayParts),
        documentation: ts.displayPartsToString(info.documentation),
        tags: (info.tags ?? []).map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`.trim()),
      };
    }
    // Inside a call's arguments: describe the function being called.
    const help = service.getSignatureHelpItems(cellFile, position, undefined);
    const item = help?.items[help.selectedItemIndex];
    if (!item) return undefined;
    return {
      signature: [...item.prefixDisplayParts, ...item.parameters.flatMap((p, i) => [...(i ? item.separatorDisplayParts : []), ...p.displayParts]), ...item.suffixDisplayParts]
        .map((part) => part.text).join(""),
      documentation: ts.displayPartsToString(item.documentation),
      tags: item.tags.map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`.trim()),
    };
  }

  /** Puts the cell, followed by earlier cells' declarations it does not redeclare, into the service. */
  private prepare(languageService: CellLanguageService, code: string) {
    const ts = this.ts;
    const parsed = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const names = topLevelNames(ts, parsed);
    // The trailer comes after the cell so that positions in the cell are positions in the file.
    const trailer = `\n${this.declarations.prelude(new Set(names.declared))}\nexport { ${names.toExport.join(", ")} };\n`;
    languageService.setCell(code + trailer);
    return names;
  }

  private toCellDiagnostic(languageService: CellLanguageService, diagnostic: TS.Diagnostic, code: string): CellDiagnostic {
    const ts = this.ts;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.start === undefined) return { code: diagnostic.code, message, line: 0, column: 0, lineText: "", length: 0 };
    const { line, character } = languageService.sourceFile().getLineAndCharacterOfPosition(diagnostic.start);
    return {
      code: diagnostic.code,
      message,
      line: line + 1,
      column: character + 1,
      lineText: code.split(/\r?\n/)[line] ?? "",
      length: diagnostic.length ?? 1,
    };
  }
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{ID_Continue}$]/u.test(char);
}

export function identifierBefore(code: string, position: number): string {
  let start = position;
  while (start > 0 && isIdentifierChar(code[start - 1])) start--;
  return code.slice(start, position);
}
