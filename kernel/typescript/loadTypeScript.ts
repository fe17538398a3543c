// The typescript package is large (0.15 s to load, 0.05 s with its compiled code cached), so it is loaded once, while
// the kernel's socket worker starts (or on first use elsewhere), with V8's compiled code kept in the kernel's cache
// folder (see codeCachedRequire); not in $TFJS_STUDIO_CACHE, which users point at their data sets.
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { cachedDataVersionTag } from "node:v8";
import type * as TS from "typescript";
import { kernelCacheDir } from "../cacheDir";
import { codeCachedRequire, type CodeCachedModule } from "./codeCachedRequire";

export type TypeScript = typeof TS;

const CACHE_PREFIX = "typescript-";

let loaded: { ts: TypeScript; module: CodeCachedModule } | undefined;

export function loadTypeScript(): TypeScript {
  loaded ??= loadTypeScriptFrom(dirname(require.resolve("typescript/package.json")), join(kernelCacheDir(), "code-cache"));
  return loaded.ts;
}

/** Writes the code cache if this process could not use it; call once the compiler has done a cell's work. */
export function saveTypeScriptCodeCache(): void {
  loaded?.module.saveCache();
}

/** The typescript package in `packageDir`, its compiled code cached in `cacheFolder`. */
export function loadTypeScriptFrom(packageDir: string, cacheFolder: string): { ts: TypeScript; module: CodeCachedModule } {
  const { main, cacheName } = describePackage(packageDir);
  const module = codeCachedRequire(main, join(cacheFolder, cacheName), CACHE_PREFIX);
  return { ts: module.exports as TypeScript, module };
}

/** The cache file's name for the typescript package in `packageDir`, as this Node would use it. */
export function typescriptCacheName(packageDir: string): string {
  return describePackage(packageDir).cacheName;
}

/**
 * V8 rejects a cache made by another V8 build or for source of another length; the name also changes with the
 * TypeScript version and the file's modification time (a reinstall, a patched compiler of the same length).
 */
function describePackage(packageDir: string): { main: string; cacheName: string } {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string; main: string };
  const main = join(packageDir, manifest.main);
  const modified = Math.round(statSync(main).mtimeMs);
  return { main, cacheName: `${CACHE_PREFIX}${manifest.version}-node${process.version}-v8${cachedDataVersionTag()}-${modified}.bin` };
}
