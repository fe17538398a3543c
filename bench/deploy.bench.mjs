#!/usr/bin/env node
// A SageMaker deploy against local fakes (s3rver; the tests' fake of SageMaker, its runtime, Application Auto
// Scaling and CloudWatch Logs, with the endpoint Creating for an injected 30 s): its wall time, how much of it is
// ours (the wall time less the injected wait), the API calls it makes, and the upload throughput of a 100 MB
// package to s3rver.
//
//   node bench/deploy.bench.mjs          standalone
//   node bench/run.mjs deploy            through the benchmark runner
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForBench } from "./support/bundle.mjs";
import { runWhenMain } from "./support/standalone.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const INJECTED_CREATING_MS = 30_000;
const round = (value, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function run({ log } = { log: (line) => process.stderr.write(`${line}\n`) }) {
  const bundle = await bundleForBench(root, "deploy", { entryPoints: [path.join(benchDir, "support", "deployBench.ts")] });
  const { runDeployBench } = createRequire(import.meta.url)(bundle);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-bench-deploy-"));
  try {
    const result = await runDeployBench(work, INJECTED_CREATING_MS, log);
    const oursMs = result.deployWallMs - result.injectedCreatingMs;
    const calls = Object.values(result.apiCalls).reduce((sum, count) => sum + count, 0);
    return {
      title: `SageMaker deploy against local fakes (endpoint Creating for ${INJECTED_CREATING_MS / 1000} s), and a 100 MB upload to s3rver`,
      columns: ["measure", "value"],
      rows: [
        ["deploy wall time", `${round(result.deployWallMs / 1000, 1)} s`],
        ["of which ours (wall less the injected wait)", `${round(oursMs / 1000, 1)} s`],
        ...Object.entries(result.stepSeconds).map(([step, seconds]) => [`  ${step}`, `${round(seconds, 2)} s`]),
        ["API calls (SageMaker, runtime, autoscaling, logs)", `${calls}: ${Object.entries(result.apiCalls).map(([operation, count]) => `${operation} ${count}`).join(", ")}`],
        ["S3 calls", "GetBucketLocation 1, PutObject 1 (a package under 5 MB)"],
        ["100 MB upload to s3rver", `${round(result.upload.seconds, 1)} s, ${round(result.upload.megabytesPerSecond, 0)} MB/s`],
      ],
      summary: { deploy_wall_s: Number((result.deployWallMs / 1000).toFixed(1)), ours_s: Number((oursMs / 1000).toFixed(1)), api_calls: calls, upload_mb_per_s: Math.round(result.upload.megabytesPerSecond) },
      results: result,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, () => run());
