// Bundles the kernel, its socket worker, the CLI, the extension, the webviews and the tests with esbuild.
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

const webview = {
  bundle: true,
  platform: "browser",
  target: "es2022",
  sourcemap: "linked",
  logLevel: "warning",
  outdir: "dist/webviews",
};

const builds = [
  // The CLI bundle holds the kernel too (`tfjs-studio kernel`); the kernel's socket worker is a file of its own.
  // cli/serve is the model server alone, for the container `tfjs-studio package --container` writes; cli/gpuReport
  // is a remote host's CUDA check, shipped with the kernel in the runtime.
  // tfjs/webgpuAdapterProbe asks Dawn for its adapter in a child process (tfjs/backends/webgpu/adapterProbe.ts).
  { ...common, entryPoints: { "cli/main": "cli/main.ts", "cli/serve": "cli/serveMain.ts", "cli/kernel": "cli/kernelMain.ts", "cli/gpuReport": "cli/gpuReportMain.ts", "kernel/socketWorker": "kernel/transport/socketWorker.ts", "tfjs/webgpuAdapterProbe": "tfjs/backends/webgpu/adapterProbeMain.ts" }, outdir: "dist" },
  { ...common, entryPoints: { extension: "extension/extension.ts", modelJsonWorker: "extension/modelGraph/modelJsonWorker.ts" }, outdir: "dist/extension", external: ["vscode"] },
  // Webviews run in the browser: everything bundled, no Node built-ins. The renderer must be an ES module.
  { ...webview, entryPoints: { renderer: "webviews/renderer/index.ts", metricsPanel: "webviews/metricsPanel/main.ts", modelGraphPanel: "webviews/modelGraphPanel/main.ts" }, format: "esm" },
  { ...webview, entryPoints: { layoutWorker: "webviews/modelGraphPanel/layoutWorker.ts" }, format: "iife" },
  // `npm start`: code-server with the extension (scripts/codeServer.ts, which the end-to-end tests share).
  { ...common, entryPoints: { start: "scripts/start.ts" }, outdir: "dist/scripts" },
  { ...common, entryPoints: readdirSync("test", { recursive: true }).filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`), outdir: "dist/test", outbase: "test" },
];

rmSync("dist", { recursive: true, force: true });
// The kernel's language service loads these declarations at run time.
cpSync("kernel/types", "dist/kernel/types", { recursive: true });
// Webview panels link the codicon font locally (the CSP allows no remote resources): codicon.css, which loads
// codicon.ttf beside it. The rest of the package's dist (a 1.2 MB preview page, an SVG sprite, metadata) stays out.
for (const file of ["codicon.css", "codicon.ttf"]) cpSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webviews/codicons/${file}`);

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
