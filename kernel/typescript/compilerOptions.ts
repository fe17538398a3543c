// Compiler options for notebook cells: sensible defaults, overridden by a tsconfig.json found
// in the notebook's folder or above, with the few settings cells cannot work without forced.
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { packageRoot } from "../../protocol/packageRoot";
import { tfjsTypePaths } from "../tfjs/tfjsTypePaths";
import type { TypeScript } from "./loadTypeScript";

export interface CellCompilerOptions {
  options: TS.CompilerOptions;
  /** The tsconfig.json that was applied, if one was found. */
  configFile?: string;
  /** Problems in that tsconfig.json, reported to the user once. */
  configErrors: string[];
}

export function cellCompilerOptions(ts: TypeScript, notebookDir: string): CellCompilerOptions {
  const defaults: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    strict: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const configFile = ts.findConfigFile(notebookDir, ts.sys.fileExists);
  let userOptions: TS.CompilerOptions = {};
  const configErrors: string[] = [];
  if (configFile) {
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    const parsed = read.error
      ? { options: {}, errors: [read.error] }
      : ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), undefined, configFile);
    userOptions = parsed.options;
    // A config without `include`/`files` matches nothing here, which is fine for cells.
    for (const error of parsed.errors.filter((e) => e.code !== 18003)) {
      configErrors.push(`${configFile}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
    }
  }
  const merged: TS.CompilerOptions = { ...defaults, ...userOptions };
  const types = new Set([...(merged.types ?? []), "node"]);
  return {
    configFile,
    configErrors,
    options: {
      ...merged,
      // Cells are ES modules with top-level await, resolved the way the kernel's loader resolves them.
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      moduleDetection: ts.ModuleDetectionKind.Force,
      target: Math.max(merged.target ?? ts.ScriptTarget.ES2022, ts.ScriptTarget.ES2017),
      types: [...types],
      // tfjs imports get the kernel's one instance at run time (see tfjs/tfjsModuleMap), so its types too.
      paths: { ...merged.paths, ...tfjsTypePaths(notebookDir) },
      // Our own @types/node serves notebooks that have none.
      typeRoots: [...(merged.typeRoots ?? defaultTypeRoots(notebookDir)), join(packageRoot(), "node_modules", "@types")],
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: false,
      declarationMap: false,
      sourceMap: true,
      inlineSourceMap: false,
      inlineSources: false,
      outDir: undefined,
      outFile: undefined,
      composite: false,
      incremental: false,
      noUnusedLocals: false,
      noUnusedParameters: false,
      isolatedModules: false,
      verbatimModuleSyntax: false,
      noEmitOnError: false,
    },
  };
}

function defaultTypeRoots(dir: string): string[] {
  const roots: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    roots.push(join(current, "node_modules", "@types"));
    if (dirname(current) === current) return roots;
  }
}
