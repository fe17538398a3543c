// The type side of the one shared tfjs: cells type-check against the declarations of the very
// packages they get at run time, also in a notebook folder without node_modules.
import { findPackageDir } from "../../common/packageLookup";
import { NATIVE_PACKAGES, TFJS_FAMILY } from "./tfjsModuleMap";
import { TFJS_PACKAGE, findNativePackage, kernelTfjsDir } from "../../tfjs/backends/tfjsPackages";

/** `paths` compiler option entries for the tfjs packages (absolute, so no baseUrl is needed). */
export function tfjsTypePaths(notebookDir: string): Record<string, string[]> {
  const tfjsDir = kernelTfjsDir();
  const paths: Record<string, string[]> = {};
  const add = (name: string, dir: string) => {
    paths[name] = [dir];
    paths[`${name}/*`] = [`${dir}/*`];
  };
  for (const name of TFJS_FAMILY) {
    const dir = name === TFJS_PACKAGE ? tfjsDir : findPackageDir(name, [tfjsDir]);
    if (dir) add(name, dir);
  }
  for (const name of NATIVE_PACKAGES) {
    const dir = findNativePackage(name, notebookDir);
    // Not installed: the import gives @tensorflow/tfjs (see tfjsModuleMap), so it has its types.
    if (dir) add(name, dir);
    else paths[name] = [tfjsDir];
  }
  return paths;
}
