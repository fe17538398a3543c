// Maps every @tensorflow/tfjs* import of user code (cells, local .ts files, packages in the
// notebook's folder) to the kernel's one tfjs instance, so there is never a second tfjs-core.
import Module, { isBuiltin } from "node:module";
import { isAbsolute } from "node:path";
import { splitPackageSpecifier } from "../execution/moduleLoader";
import { packageRoot } from "../../protocol/packageRoot";
import { GPU_PACKAGE, NODE_PACKAGE, TFJS_PACKAGE, kernelTfjsDir } from "../../tfjs/backends/tfjsPackages";
import { tfjsRuntime } from "./tfjsRuntime";

/** Packages that hold or extend the one tfjs instance. */
export const TFJS_FAMILY = new Set([
  TFJS_PACKAGE,
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-layers",
  "@tensorflow/tfjs-converter",
  "@tensorflow/tfjs-data",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-webgl",
  "@tensorflow/tfjs-backend-wasm",
]);
export const NATIVE_PACKAGES = new Set([NODE_PACKAGE, GPU_PACKAGE]);

export interface TfjsResolution {
  file: string;
  /** Said once to the user, e.g. that tfjs-node is not installed and what the import gives instead. */
  notice?: string;
}

/** Where the tfjs family resolves from: set once the backend is chosen. */
export interface TfjsHome {
  tfjsDir: string;
  native?: { name: string; dir: string };
  description: string;
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;
const internals = Module as unknown as { _resolveFilename: ResolveFilename };
/** Node's own resolution, taken before our hook wraps it. */
const nodeResolve = internals._resolveFilename;
const resolveFrom = (request: string, dir: string) => nodeResolve.call(Module, request, null, false, { paths: [dir] });

let home: TfjsHome | undefined;
const noticesGiven = new Set<string>();

export function setTfjsHome(chosen: TfjsHome): void {
  home = chosen;
}

export function isTfjsSpecifier(specifier: string): boolean {
  const { name } = splitPackageSpecifier(specifier);
  return TFJS_FAMILY.has(name) || NATIVE_PACKAGES.has(name);
}

/** The file a tfjs specifier loads; throws when tfjs could not be loaded (e.g. a forced backend that failed). */
export function resolveTfjsSpecifier(specifier: string): TfjsResolution {
  const runtime = tfjsRuntime();
  if (runtime.status === "failed") throw new Error(`Cannot import '${specifier}': ${runtime.error}`);
  const tfjsDir = home?.tfjsDir ?? kernelTfjsDir();
  const { name } = splitPackageSpecifier(specifier);
  const subpath = specifier.slice(name.length);
  if (NATIVE_PACKAGES.has(name)) {
    if (home?.native) return { file: resolveFrom(home.native.dir + subpath, home.native.dir) };
    if (subpath) throw new Error(`Cannot import '${specifier}': ${name} is not installed, and only its main module can be stood in for by @tensorflow/tfjs`);
    return {
      file: resolveFrom(tfjsDir, tfjsDir),
      notice: `${name} is not installed here: '${specifier}' gives the kernel's ${TFJS_PACKAGE} on ${home?.description ?? "its backend"} instead (tf.node is not available; install ${name} for the native backend).\n`,
    };
  }
  if (name === TFJS_PACKAGE) return { file: resolveFrom(tfjsDir + subpath, tfjsDir) };
  // From inside @tensorflow/tfjs: its own dependencies, the very copies it uses.
  return { file: resolveFrom(specifier, tfjsDir) };
}

/** Resolves, and says a resolution's notice to the user the first time it comes up. */
export function resolveTfjsWithNotice(specifier: string): string {
  const { file, notice } = resolveTfjsSpecifier(specifier);
  if (notice && !noticesGiven.has(specifier)) {
    noticesGiven.add(specifier);
    process.stderr.write(notice);
  }
  return file;
}

let hookInstalled = false;

/**
 * Makes Node's require (local .ts files, packages in the notebook's folder) resolve the way cells do:
 * tfjs to the one instance, and a package the notebook's folder lacks from the kernel's own install.
 */
export function installTfjsResolveHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  internals._resolveFilename = function (request, parent, isMain, options) {
    if (isTfjsSpecifier(request)) return resolveTfjsWithNotice(request);
    try {
      return nodeResolve.call(this, request, parent, isMain, options);
    } catch (error) {
      if (!isBarePackageSpecifier(request)) throw error;
      try {
        return resolveFrom(request, packageRoot());
      } catch {
        throw error;
      }
    }
  };
}

function isBarePackageSpecifier(request: string): boolean {
  return !request.startsWith(".") && !isAbsolute(request) && !isBuiltin(request);
}
