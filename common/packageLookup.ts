// Finds an installed package the way Node would, from several start folders: the kernel, the CLI and a model server
// look up tfjs and its backends this way.
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** The real directory of a package, looked up in node_modules from each start folder in turn, upwards. */
export function findPackageDir(name: string, startDirs: string[]): string | undefined {
  for (const start of startDirs) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      // Real paths: they are require's cache keys, so one file is one instance.
      if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}
