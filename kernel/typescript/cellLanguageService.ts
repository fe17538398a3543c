// A TypeScript LanguageService over one virtual cell file plus the files on disk it imports.
// Disk snapshots are cached by modification time: re-reading the ~150 lib and @types files
// on every cell was most of the per-cell cost. Those times are read once per cell, and never for the files
// installed with the kernel: the service asks for every file's version two or three times per cell, and those
// stat calls were then more than half of a `1+1` cell's compile.
import { statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import type * as TS from "typescript";
import { packageRoot } from "../../protocol/packageRoot";
import type { TypeScript } from "./loadTypeScript";

export class CellLanguageService {
  readonly service: TS.LanguageService;
  private cellText = "";
  private cellVersion = 0;
  private readonly snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot | undefined }>();
  /** Modification times read for the current request. */
  private readonly diskVersions = new Map<string, string>();
  /** The compiler's lib files and the kernel's own package: they never change while the kernel runs. */
  private readonly fixedDirectories: string[];

  constructor(
    private readonly ts: TypeScript,
    readonly cellFile: string,
    private readonly extraRoots: readonly string[],
    private readonly options: TS.CompilerOptions,
    currentDirectory: string,
    /** ParseForTypeErrors, for a service that only checks and emits, skips the JSDoc that hover and completions show. */
    jsDocParsingMode?: TS.JSDocParsingMode,
  ) {
    const fixed = [dirname(ts.getDefaultLibFilePath(options)), join(packageRoot(), "node_modules"), join(packageRoot(), "dist")];
    // Also as the compiler names them once it has resolved symbolic links (a linked node_modules).
    this.fixedDirectories = [...new Set([...fixed, ...fixed.map((dir) => ts.sys.realpath?.(dir) ?? dir)])].map((dir) => dir + sep);
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => [cellFile, ...extraRoots],
      getScriptVersion: (file) => (file === cellFile ? String(this.cellVersion) : this.diskVersion(file)),
      getScriptSnapshot: (file) => (file === cellFile ? ts.ScriptSnapshot.fromString(this.cellText) : this.diskSnapshot(file)),
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

  /** Called for every request: files on disk are looked at again each time. */
  setCell(text: string): void {
    this.diskVersions.clear();
    if (text === this.cellText) return;
    this.cellText = text;
    this.cellVersion++;
  }

  sourceFile(): TS.SourceFile {
    return this.service.getProgram()!.getSourceFile(this.cellFile)!;
  }

  private diskVersion(file: string): string {
    if (this.fixedDirectories.some((dir) => file.startsWith(dir))) return "fixed";
    let version = this.diskVersions.get(file);
    if (version === undefined) {
      version = String(statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? "missing");
      this.diskVersions.set(file, version);
    }
    return version;
  }

  private diskSnapshot(file: string): TS.IScriptSnapshot | undefined {
    const version = this.diskVersion(file);
    const cached = this.snapshots.get(file);
    if (cached?.version === version) return cached.snapshot;
    const text = this.ts.sys.readFile(file);
    const snapshot = text === undefined ? undefined : this.ts.ScriptSnapshot.fromString(text);
    this.snapshots.set(file, { version, snapshot });
    return snapshot;
  }
}
