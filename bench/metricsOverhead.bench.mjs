#!/usr/bin/env node
// Training-metrics instrumentation overhead: an MNIST-MLP-shaped fit (784-128-10, batch 128) with tfjs's own
// fit against the kernel's instrumented fit (live display updates serialized, run log written), alternated.
//
//   node bench/metricsOverhead.bench.mjs [cpu|wasm ...]   standalone (default: wasm and cpu)
//   node bench/run.mjs metricsOverhead                    through the benchmark runner
//   TFJS_STUDIO_BENCH_REPEATS=N                           measured fits of each kind (default 5)
// Or, from another script: `const { metricsOverhead } = await import("./metricsOverhead.bench.mjs")`,
// then `await metricsOverhead({ backend: "wasm" })` gives the figures of one backend.
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { bundleForBench } from "./support/bundle.mjs";
import { runWhenMain } from "./support/standalone.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const BUDGET_PERCENT = 2;

let measure;

/** The measurement, bundled from TypeScript next to the package so that it finds the package's tfjs. */
async function load() {
  if (measure) return measure;
  const outfile = await bundleForBench(root, "metricsOverhead", { entryPoints: [path.join(benchDir, "support", "metricsOverhead.ts")] });
  measure = createRequire(import.meta.url)(outfile).measureMetricsOverhead;
  return measure;
}

export async function metricsOverhead(options) {
  return (await load())({ repeats: Number(process.env.TFJS_STUDIO_BENCH_REPEATS) || 5, ...options });
}

const round = (value, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function run({ log } = { log: (line) => process.stderr.write(`${line}\n`) }, backends = ["wasm", "cpu"]) {
  const results = [];
  for (const backend of backends) {
    log(`metrics overhead on ${backend}...`);
    results.push(await metricsOverhead({ backend }));
  }
  return {
    title: `Training-metrics instrumentation overhead (MLP 784-128-10, batch 128; budget ${BUDGET_PERCENT}%)`,
    columns: ["backend", "stock samples/s", "instrumented samples/s", "A/B overhead", "time in instrumentation", "per batch", "display updates", "log records"],
    rows: results.map((r) => [
      r.backend,
      round(r.stockSamplesPerSec),
      round(r.instrumentedSamplesPerSec),
      `${round(r.overheadPercent, 2)} %`,
      `${round(r.hookPercent, 2)} %`,
      `${round(r.hookMicrosPerBatch)} µs`,
      String(r.displayUpdates),
      String(r.runLogRecords),
    ]),
    notes: [
      "samples/s and A/B overhead from the process's CPU time; A/B: median over back-to-back pairs of fits (negative = noise)",
      "time in instrumentation: wall time inside the kernel's callback hooks and display updates over the fits' wall time, timed in fits of their own",
    ],
    summary: Object.fromEntries(results.flatMap((r) => [[`${r.backend}_ab_overhead_percent`, Number(r.overheadPercent.toFixed(2))], [`${r.backend}_instrumentation_percent`, Number(r.hookPercent.toFixed(2))]])),
    results: { runs: results },
  };
}

runWhenMain(import.meta.url, () => {
  const backends = process.argv.slice(2);
  return run(undefined, backends.length > 0 ? backends : undefined);
});
