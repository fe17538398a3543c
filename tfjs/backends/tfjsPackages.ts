// Where the tfjs packages are installed: the kernel's own @tensorflow/tfjs, and the optional
// native packages, which may also sit in the notebook's folder.
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findPackageDir } from "../../common/packageLookup";
import { GPU_PACKAGE, NATIVE_PACKAGES_ENV } from "../../protocol/hostGpuReport";
import { packageRoot } from "../../protocol/packageRoot";

export const TFJS_PACKAGE = "@tensorflow/tfjs";
export const TFJS_CORE_PACKAGE = "@tensorflow/tfjs-core";
export const NODE_PACKAGE = "@tensorflow/tfjs-node";
export { GPU_PACKAGE };
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";

/** Native packages: the notebook's own install first, then the folders of TFJS_STUDIO_NATIVE_PACKAGES (where a
 * remote host's GPU offer installs), then the one next to the kernel. */
export function findNativePackage(name: string, notebookDir: string): string | undefined {
  const extra = (process.env[NATIVE_PACKAGES_ENV] ?? "").split(delimiter).filter(Boolean);
  return findPackageDir(name, [notebookDir, ...extra, packageRoot()]);
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
