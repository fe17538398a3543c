#!/usr/bin/env node
// Runs the benchmarks: every bench/*.bench.mjs in name order, or those named on the command line
// (`node bench/run.mjs kernel`). Run `npm run build` first: the benchmarks start the built kernel.
//
// A benchmark module's default export is `async (context) => result`, where context is
//   { root, client, log }  root: the package root; client: client/kernelClient.ts and
//                          kernelLauncher.ts bundled together; log(line): progress on stderr,
// and result is
//   { title, columns, rows, notes?, summary, results }  columns/rows: the table to print (strings);
//   summary: a small JSON object printed on one line; results: written to bench/results/NAME.json.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleForBench } from "./support/bundle.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const resultsDir = path.join(benchDir, "results");

// Without this, Ctrl-C kills us without the 'exit' handlers that stop the kernels (they run in process groups of
// their own, so the terminal's SIGINT does not reach them).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => process.exit(130));

function log(line) {
  process.stderr.write(`${line}\n`);
}

/** The shared Jupyter client, bundled from TypeScript next to the package so that it finds zeromq and the package root. */
async function bundleClient() {
  const outfile = await bundleForBench(root, "client", {
    stdin: {
      contents: 'export * from "./client/kernelClient";\nexport * from "./client/kernelLauncher";\n',
      resolveDir: root,
      sourcefile: "bench-client.ts",
      loader: "ts",
    },
  });
  return createRequire(import.meta.url)(outfile);
}

function selectBenchmarks(names) {
  const all = fs
    .readdirSync(benchDir)
    .filter((file) => file.endsWith(".bench.mjs"))
    .sort();
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.includes(`${name}.bench.mjs`));
  if (unknown.length > 0) throw new Error(`no such benchmark: ${unknown.join(", ")} (have: ${all.map((f) => f.replace(".bench.mjs", "")).join(", ")})`);
  return names.map((name) => `${name}.bench.mjs`);
}

/** A plain-text table, columns padded to their widest cell, numbers right-aligned. */
export function formatTable(columns, rows) {
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => String(row[i] ?? "").length)));
  const numeric = (text) => /^[-+]?[\d.,]+(\s*[a-zA-Z%×]*)?$/.test(text);
  const line = (cells) =>
    `| ${cells.map((cell, i) => (numeric(String(cell)) && i > 0 ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(columns), rule, ...rows.map((row) => line(row.map((cell) => cell ?? "")))].join("\n");
}

function environment() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cpus: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
  };
}

async function main() {
  if (!fs.existsSync(path.join(root, "dist", "cli", "main.js"))) {
    throw new Error("dist/cli/main.js is missing: run `npm run build` first (or `npm run bench`, which builds)");
  }
  const files = selectBenchmarks(process.argv.slice(2));
  const client = await bundleClient();
  const context = { root, client, log };
  let failed = false;
  for (const file of files) {
    const name = file.replace(/\.bench\.mjs$/, "");
    log(`\n== ${name} ==`);
    const bench = await import(pathToFileURL(path.join(benchDir, file)).href);
    let result;
    try {
      result = await bench.default(context);
    } catch (error) {
      failed = true;
      log(`benchmark ${name} failed: ${error?.stack ?? error}`);
      continue;
    }
    const env = environment();
    process.stdout.write(`\n${result.title ?? name}\n\n${formatTable(result.columns, result.rows)}\n`);
    for (const note of result.notes ?? []) process.stdout.write(`${note}\n`);
    fs.mkdirSync(resultsDir, { recursive: true });
    const resultsFile = path.join(resultsDir, `${name}.json`);
    fs.writeFileSync(resultsFile, `${JSON.stringify({ bench: name, environment: env, ...result.results }, null, 2)}\n`);
    process.stdout.write(`\nresults written to ${path.relative(process.cwd(), resultsFile)}\n`);
    process.stdout.write(`${JSON.stringify({ bench: name, ...result.summary })}\n`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`bench: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
