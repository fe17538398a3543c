// Resolves and loads what cells import, from the notebook's folder: Node built-ins, CommonJS
// and ESM-only packages (top-level await included), JSON, local .ts files, and the kernel's
// own in-kernel modules. A package that offers CommonJS is loaded through require, so cells
// share one instance with everything else that requires it.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { exports as resolveExports, legacy as resolveLegacy, type Package } from "resolve.exports";
import { findPackageDir } from "../../common/packageLookup";
import { packageRoot } from "../../protocol/packageRoot";
import { loadTypeScript } from "../typescript/loadTypeScript";
import { installTsRequireHook, isTypeScriptFile } from "./tsRequireHook";

/** How the kernel takes over some specifiers (the tfjs packages: one shared instance). */
export interface ModuleRedirects {
  /** Waited for before anything but a built-in is imported: what it redirects to may still be loading. */
  ready(): Promise<unknown>;
  /** The file to load for this specifier, or undefined to resolve it as usual. */
  resolve(specifier: string): string | undefined;
}

const FILE_EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"];

export class ModuleLoader {
  private readonly namespaces = new Map<string, unknown>();
  readonly require: NodeJS.Require;

  constructor(
    private readonly baseDir: string,
    private readonly inKernelModules: Record<string, object>,
    private readonly redirects?: ModuleRedirects,
  ) {
    this.require = createRequire(join(baseDir, "__notebook__.js"));
  }

  async import(specifier: string): Promise<unknown> {
    if (isBuiltin(specifier)) return this.remember(specifier, () => namespaceOf(require(specifier)));
    await this.redirects?.ready();
    const inKernel = this.inKernelModules[specifier];
    if (inKernel) return this.remember(`kernel:${specifier}`, () => namespaceOf(inKernel));
    const redirected = this.redirects?.resolve(specifier);
    const { file, format } = redirected ? { file: redirected, format: fileFormat(redirected) } : this.resolve(specifier);
    const cached = this.namespaces.get(file);
    if (cached) return cached;
    if (format === "esm") {
      const namespace: unknown = await import(pathToFileURL(file).href);
      this.namespaces.set(file, namespace);
      return namespace;
    }
    if (isTypeScriptFile(file)) installTsRequireHook(loadTypeScript());
    return this.remember(file, () => namespaceOf(this.require(file)));
  }

  private remember(key: string, load: () => unknown): unknown {
    if (!this.namespaces.has(key)) this.namespaces.set(key, load());
    return this.namespaces.get(key);
  }

  resolve(specifier: string): { file: string; format: "cjs" | "esm" } {
    if (specifier.startsWith(".") || isAbsolute(specifier)) {
      const file = resolveFile(resolve(this.baseDir, specifier));
      if (!file) throw new Error(`Cannot find module '${specifier}' in ${this.baseDir}`);
      return { file, format: fileFormat(file) };
    }
    const { name, subpath } = splitPackageSpecifier(specifier);
    const packageDir = this.findPackage(name);
    if (!packageDir) {
      throw new Error(`Cannot find package '${name}' from ${this.baseDir}. Install it there with: npm install ${name}`);
    }
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as Package;
    if (manifest.exports) {
      const asRequire = tryResolveExports(manifest, subpath, { require: true });
      if (asRequire) return { file: join(packageDir, asRequire), format: fileFormat(join(packageDir, asRequire)) };
      const asImport = tryResolveExports(manifest, subpath, {});
      if (asImport) return { file: join(packageDir, asImport), format: fileFormat(join(packageDir, asImport)) };
      throw new Error(`Package '${name}' does not export '${subpath}'`);
    }
    const entry = subpath === "." ? (resolveLegacy(manifest, { fields: ["main"] }) as string | undefined) ?? "index.js" : subpath;
    const file = resolveFile(join(packageDir, entry));
    if (!file) throw new Error(`Cannot find '${specifier}' in ${packageDir}`);
    return { file, format: fileFormat(file) };
  }

  /** The notebook's node_modules first, then the ones installed with the kernel. */
  private findPackage(name: string): string | undefined {
    return findPackageDir(name, [this.baseDir, packageRoot()]);
  }
}

function tryResolveExports(manifest: object, subpath: string, options: { require?: boolean }): string | undefined {
  try {
    return resolveExports(manifest, subpath, options)?.[0];
  } catch {
    return undefined;
  }
}

export function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const length = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(length).join("/");
  return { name: parts.slice(0, length).join("/"), subpath: rest ? `./${rest}` : "." };
}

function resolveFile(base: string): string | undefined {
  for (const candidate of [...FILE_EXTENSIONS.map((e) => base + e), ...FILE_EXTENSIONS.slice(1).map((e) => join(base, "index" + e))]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}

function fileFormat(file: string): "cjs" | "esm" {
  const extension = extname(file);
  if (extension === ".mjs") return "esm";
  if (extension !== ".js") return "cjs";
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type === "module" ? "esm" : "cjs";
    if (dirname(dir) === dir) return "cjs";
  }
}

/** CommonJS exports seen as an ES namespace, as TypeScript's esModuleInterop sees them. */
function namespaceOf(exports: unknown): unknown {
  if (exports !== null && typeof exports === "object" && (exports as { __esModule?: boolean }).__esModule) return exports;
  return Object.assign(Object.create(null), exports, { default: exports });
}

