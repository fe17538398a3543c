// Where the tfjs packages are installed: the kernel's own @tensorflow/tfjs, and the optional
// native packages, which may also sit in the notebook's folder.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../packageRoot";

export const TFJS_PACKAGE = "@tensorflow/tfjs";
export const NODE_PACKAGE = "@tensorflow/tfjs-node";
export const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";

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

/** Native packages: the notebook's own install first, then the one next to the kernel. */
export function findNativePackage(name: string, notebookDir: string): string | undefined {
  return findPackageDir(name, [notebookDir, packageRoot()]);
}

/** The kernel's @tensorflow/tfjs: what cells get unless a native package brings its own. */
export function kernelTfjsDir(): string {
  const dir = findPackageDir(TFJS_PACKAGE, [packageRoot()]);
  if (!dir) throw new Error(`${TFJS_PACKAGE} is not installed next to the kernel (${packageRoot()}); reinstall tfjs-studio`);
  return dir;
}

export function packageVersionAt(dir: string): string {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
}
