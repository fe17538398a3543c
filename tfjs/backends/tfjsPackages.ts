// Where the tfjs packages are installed: the kernel's own @tensorflow/tfjs, and the optional
// native packages, which may also sit in the notebook's folder.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findPackageDir } from "../../common/packageLookup";
import { packageRoot } from "../../protocol/packageRoot";

export const TFJS_PACKAGE = "@tensorflow/tfjs";
export const NODE_PACKAGE = "@tensorflow/tfjs-node";
export const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";

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
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}
