// Loads a large CommonJS file through vm.Script with V8's compiled code kept on disk, so that later processes skip
// compiling it: for the TypeScript compiler's 9 MB of JavaScript that was about 0.1 s of every kernel start.
// (Node 22's module.enableCompileCache does this for every module; the kernel runs on Node 20 too.)
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";

/** What happened to the cache file when the module was loaded. */
export type CodeCacheState = "used" | "missing" | "rejected";

export interface CodeCachedModule {
  exports: unknown;
  cacheState: CodeCacheState;
  /**
   * Writes the cache when it was missing or rejected; once is enough. Called after the module has done some work,
   * the cache also holds the functions compiled for that work, not only the top level.
   */
  saveCache(): void;
}

/**
 * Runs `file` as CommonJS, with the compiled code from `cacheFile` when V8 accepts it (V8 refuses a cache made by
 * another V8 or for other source). Files beside `cacheFile` that start with `stalePrefix` are removed when the cache
 * is written: they are caches of versions no longer in use.
 */
export function codeCachedRequire(file: string, cacheFile: string, stalePrefix: string): CodeCachedModule {
  const cachedData = readIfExists(cacheFile);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  const cacheState: CodeCacheState = !cachedData ? "missing" : script.cachedDataRejected ? "rejected" : "used";
  let saved = cacheState === "used";
  return {
    exports: module.exports,
    cacheState,
    saveCache() {
      if (saved) return;
      saved = true;
      writeCache(cacheFile, script.createCachedData(), stalePrefix);
    },
  };
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Best effort: without a writable cache folder the kernel only starts slower. */
function writeCache(cacheFile: string, data: Buffer, stalePrefix: string): void {
  const folder = dirname(cacheFile);
  try {
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(folder)) {
      if (name.startsWith(stalePrefix) && name !== basename(cacheFile)) rmSync(join(folder, name), { force: true });
    }
    // Renamed into place: another kernel starting now never reads half a file.
    const partial = `${cacheFile}.${process.pid}.partial`;
    writeFileSync(partial, data);
    renameSync(partial, cacheFile);
  } catch {
    // Read-only or full disk: the next start compiles again.
  }
}
