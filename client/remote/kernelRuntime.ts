// The runtime a remote host gets: the kernel's bundle (dist/cli/kernel.js and its socket worker) with the packages
// it loads (zeromq with its prebuilt addons for every platform it ships, TypeScript, tfjs with the wasm backend and
// its .wasm files, the WebGPU backend with Dawn's Linux binaries, Node's types for cells), and the model server's
// bundle (dist/cli/serve.js) with its own (fastify, prom-client…), which SSH-host deploys run, as one .tar.gz.
// Built once per set of inputs and cached; its SHA-256 names the version on the host, so a rebuilt kernel is
// uploaded again and an unchanged one never is.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { SERVER_BUNDLE, SERVER_PACKAGES } from "../../common/serverBundle";
import { packageRoot, packageVersion } from "../../protocol/packageRoot";

/** What the kernel and server bundles require or resolve at run time. test/remoteConnect.test.ts runs a kernel, and
 * test/sshHostDeploy.test.ts a server, from the runtime alone (nothing above it resolves), so a package missing here
 * fails there. */
export const RUNTIME_PACKAGES = [...new Set(["zeromq", "typescript", "resolve.exports", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@types/node", ...SERVER_PACKAGES])];
/** The WebGPU backend, for GPU hosts without CUDA: carried when this install has it (they are optional dependencies). */
const OPTIONAL_RUNTIME_PACKAGES = ["webgpu", "@tensorflow/tfjs-backend-webgpu"];

/** The runtime's entry points, relative to its root. */
export const RUNTIME_KERNEL = "dist/cli/kernel.js";
/** Prints the host's CUDA/cuDNN diagnosis as JSON (protocol/hostGpuReport.ts). */
export const RUNTIME_GPU_REPORT = "dist/cli/gpuReport.js";
export const RUNTIME_SERVER = SERVER_BUNDLE;

/** dist/tfjs holds the WebGPU adapter probe the kernel runs. */
const RUNTIME_FILES = ["package.json", RUNTIME_KERNEL, RUNTIME_GPU_REPORT, RUNTIME_SERVER, "dist/kernel", "dist/tfjs"];

/** Dawn's binaries for macOS and Windows (80 MB): kernels run on Linux hosts. */
const DAWN_NOT_FOR_LINUX = /^node_modules\/webgpu\/dist\/(darwin|win32)-/;

/** Files no Node process loads: source maps, browser and minified bundles, C++ sources of native addons. */
const LEFT_OUT = [/\.map$/, /\.min\.js(\.html)?$/, /\.(es2017|fesm|esm)\.js$/, /\/miniprogram\//, /\.tsbuildinfo$/, /^node_modules\/zeromq\/(src|vendor|script)\//, /\.(md|markdown)$/i, DAWN_NOT_FOR_LINUX];

export interface KernelRuntime {
  /** `<package version>-<first 12 hex of the archive's SHA-256>`: the folder it unpacks to on a host. */
  version: string;
  /** The @tensorflow/tfjs version it ships: a host's tfjs-node-gpu is installed at the same one. */
  tfjsVersion: string;
  archive: string;
  sha256: string;
  bytes: number;
}

/** The runtime archive for this install, from the cache when its inputs have not changed. */
export async function kernelRuntime(cacheDir = defaultCacheDir()): Promise<KernelRuntime> {
  const root = packageRoot();
  const files = runtimeFiles(root);
  const inputs = crypto.createHash("sha256");
  for (const file of files) {
    const stats = fs.statSync(path.join(root, file));
    inputs.update(`${file}\0${stats.size}\0${stats.mtimeMs}\n`);
  }
  const key = inputs.digest("hex").slice(0, 16);
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const archive = path.join(cacheDir, `kernel-runtime-${key}.tar.gz`);
  // The checksum is kept beside the archive and written last: both there means the archive is whole.
  const checksumFile = `${archive}.sha256`;
  if (!fs.existsSync(checksumFile)) {
    const partial = `${archive}.${process.pid}.partial`;
    // gzip level 1: most of the size goes anyway, in a fraction of the time level 6 takes.
    await tar.create({ gzip: { level: 1 }, file: partial, cwd: root, portable: true, noDirRecurse: true }, files);
    fs.renameSync(partial, archive);
    fs.writeFileSync(checksumFile, crypto.createHash("sha256").update(fs.readFileSync(archive)).digest("hex"));
    const keep = new Set([archive, checksumFile]);
    for (const old of fs.readdirSync(cacheDir)) if (old.startsWith("kernel-runtime-") && !keep.has(path.join(cacheDir, old))) fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  const sha256 = fs.readFileSync(checksumFile, "utf8").trim();
  const tfjsVersion = (JSON.parse(fs.readFileSync(path.join(root, "node_modules", "@tensorflow", "tfjs", "package.json"), "utf8")) as { version: string }).version;
  return { version: `${packageVersion()}-${sha256.slice(0, 12)}`, tfjsVersion, archive, sha256, bytes: fs.statSync(archive).size };
}

function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "tfjs-studio");
}

/** Every file of the runtime, relative to the package root, in a stable order. */
export function runtimeFiles(root: string): string[] {
  const files: string[] = [];
  const packages = packageClosure(root);
  // A package's own entry point stays even when it looks like what is left out (tar's is index.min.js).
  const entryPoints = new Set(packages.flatMap((dir) => entryPointsOf(root, dir)));
  const add = (relative: string) => {
    const full = path.join(root, relative);
    const stats = fs.lstatSync(full);
    if (stats.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) add(path.posix.join(relative, entry));
    } else if (stats.isFile() && (entryPoints.has(relative) || !LEFT_OUT.some((pattern) => pattern.test(relative)))) {
      files.push(relative);
    }
  };
  for (const file of RUNTIME_FILES) add(file);
  for (const dir of packages) add(dir);
  // A package nested in another's node_modules came with it already.
  return [...new Set(files)];
}

/** The folders (relative to root) of RUNTIME_PACKAGES and everything they depend on, found as Node finds them. */
function packageClosure(root: string): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string) => {
    const dir = locate(root, name, from);
    if (!dir || found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dependency, dir);
  };
  for (const name of RUNTIME_PACKAGES) {
    if (!locate(root, name, "")) throw new Error(`${name} is not installed in ${root}: the kernel runtime needs it (npm ci)`);
    visit(name, "");
  }
  for (const name of OPTIONAL_RUNTIME_PACKAGES) visit(name, "");
  return [...found].sort();
}

/** The files `require(package)` loads first: its main, and its exports' "require" or default condition. */
function entryPointsOf(root: string, dir: string): string[] {
  type Exports = string | { [condition: string]: Exports } | undefined;
  const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")) as { main?: string; exports?: Exports };
  const resolve = (target: Exports): string | undefined => {
    if (typeof target === "string" || target === undefined) return target;
    return resolve(target["."] ?? target.require ?? target.node ?? target.default);
  };
  return [manifest.main, resolve(manifest.exports)].filter((file): file is string => typeof file === "string").map((file) => path.posix.join(dir, file));
}

/** node_modules/NAME next to `from`, or in a folder above it: Node's lookup. Optional ones may be missing. */
function locate(root: string, name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.posix.dirname(dir)) {
    const candidate = path.posix.join(dir === "." ? "" : dir, "node_modules", name);
    if (fs.existsSync(path.join(root, candidate, "package.json"))) return candidate;
    if (dir === "" || dir === "." || dir === "/") return undefined;
  }
}
