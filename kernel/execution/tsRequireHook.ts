// Lets cells import local .ts files: Node's require compiles them with TypeScript on load.
import { readFileSync } from "node:fs";
import type { TypeScript } from "../typescript/loadTypeScript";

const TS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"];
let installed = false;

type CompilableModule = NodeJS.Module & { _compile(code: string, filename: string): void };

export function installTsRequireHook(ts: TypeScript): void {
  if (installed) return;
  installed = true;
  // Stack traces through these files then point at the TypeScript lines.
  process.setSourceMapsEnabled(true);
  for (const extension of TS_EXTENSIONS) {
    require.extensions[extension] = (module, filename) => {
      const { outputText } = ts.transpileModule(readFileSync(filename, "utf8"), {
        fileName: filename,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          inlineSourceMap: true,
          inlineSources: true,
          jsx: ts.JsxEmit.React,
        },
      });
      (module as CompilableModule)._compile(outputText, filename);
    };
  }
}

export function isTypeScriptFile(file: string): boolean {
  return TS_EXTENSIONS.some((extension) => file.endsWith(extension));
}
