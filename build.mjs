// Bundles the kernel, its socket worker, the CLI, the extension and the tests with esbuild.
import * as esbuild from "esbuild";
import { cpSync, readdirSync, rmSync } from "node:fs";

const watch = process.argv.includes("--watch");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  packages: "external",
  logLevel: "warning",
};

const builds = [
  { ...common, entryPoints: { cli: "kernel/cli.ts", socketWorker: "kernel/transport/socketWorker.ts" }, outdir: "dist/kernel" },
  { ...common, entryPoints: { extension: "extension/extension.ts" }, outdir: "dist/extension", external: ["vscode"] },
  { ...common, entryPoints: readdirSync("test", { recursive: true }).filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`), outdir: "dist/test", outbase: "test" },
];

rmSync("dist", { recursive: true, force: true });
// The kernel's language service loads these declarations at run time.
cpSync("kernel/types", "dist/kernel/types", { recursive: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
