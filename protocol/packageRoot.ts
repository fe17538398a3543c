// Where the tfjs-studio package is installed, found from the running bundle's location: the kernel, the
// launcher (which starts dist/cli/main.js from there) and the CLI all need it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

interface PackageJson {
  name?: string;
  version: string;
}

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as PackageJson).name === "tfjs-studio") return (cached = dir);
    if (dirname(dir) === dir) throw new Error(`cannot find the tfjs-studio package above ${__dirname}`);
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as PackageJson).version;
}
