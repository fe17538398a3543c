// A TypeScript LanguageService over one virtual cell file plus the files on disk it imports.
// Disk snapshots are cached by modification time: re-reading the ~150 lib and @types files
// on every cell was most of the per-cell cost.
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type * as TS from "typescript";
import type { TypeScript } from "./loadTypeScript";

export class CellLanguageService {
  readonly service: TS.LanguageService;
  private cellText = "";
  private cellVersion = 0;
  private readonly snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot | undefined }>();

  constructor(
    private readonly ts: TypeScript,
    readonly cellFile: string,
    private readonly extraRoots: readonly string[],
    private readonly options: TS.CompilerOptions,
    currentDirectory: string,
    /** ParseForTypeErrors, for a service that only checks and emits, skips the JSDoc that hover and completions show. */
    jsDocParsingMode?: TS.JSDocParsingMode,
  ) {
    const libDirectory = dirname(ts.getDefaultLibFilePath(options));
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => [cellFile, ...extraRoots],
      getScriptVersion: (file) => (file === cellFile ? String(this.cellVersion) : this.diskVersion(file, libDirectory)),
      getScriptSnapshot: (file) => (file === cellFile ? ts.ScriptSnapshot.fromString(this.cellText) : this.diskSnapshot(file, libDirectory)),
      getCurrentDirectory: () => currentDirectory,
      getCompilationSettings: () => this.options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => file === cellFile || ts.sys.fileExists(file),
      readFile: (file) => (file === cellFile ? this.cellText : ts.sys.readFile(file)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      jsDocParsingMode,
    };
    this.service = ts.createLanguageService(host);
  }

  setCell(text: string): void {
    if (text === this.cellText) return;
    this.cellText = text;
    this.cellVersion++;
  }

  sourceFile(): TS.SourceFile {
    return this.service.getProgram()!.getSourceFile(this.cellFile)!;
  }

  private diskVersion(file: string, libDirectory: string): string {
    // The compiler's own lib files never change while the kernel runs.
    if (file.startsWith(libDirectory)) return "lib";
    return String(statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? "missing");
  }

  private diskSnapshot(file: string, libDirectory: string): TS.IScriptSnapshot | undefined {
    const version = this.diskVersion(file, libDirectory);
    const cached = this.snapshots.get(file);
    if (cached?.version === version) return cached.snapshot;
    const text = this.ts.sys.readFile(file);
    const snapshot = text === undefined ? undefined : this.ts.ScriptSnapshot.fromString(text);
    this.snapshots.set(file, { version, snapshot });
    return snapshot;
  }
}
