#!/usr/bin/env node
// The model server under load: requests per second and p50/p99 latency of POST /invocations for the mnist-cnn
// template's network (one 28x28 image a request), at concurrency 1, 8 and 64, with dynamic batching (--max-batch 32
// --max-delay-ms 5) and without (--max-batch 1 --max-delay-ms 0), measured with autocannon against
// `tfjs-studio serve` on 127.0.0.1, the image as JSON and, with batching, also as application/x-npy (uint8 pixels, as
// numpy.save writes them). In the same run the peer: the same model's predict in process, one image at a
// time, on the same backend. Goal: at concurrency 64 with batching, more than 2x that, with p99 under 100 ms; and
// GET /ping, polled during each load, under SageMaker's 2 s.
//
//   node bench/serving.bench.mjs          standalone
//   node bench/run.mjs serving            through the benchmark runner
//   TFJS_STUDIO_BENCH_SECONDS=N           seconds of load a measurement (default 10)
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { bundleForBench } from "./support/bundle.mjs";
import { runWhenMain } from "./support/standalone.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const SECONDS = Number(process.env.TFJS_STUDIO_BENCH_SECONDS) || 10;
const CONCURRENCY = [1, 8, 64];
const MODES = [
  { name: "batching", args: ["--max-batch", "32", "--max-delay-ms", "5"], bodies: ["JSON", ".npy"] },
  { name: "no batching", args: ["--max-batch", "1", "--max-delay-ms", "0"], bodies: ["JSON"] },
];
const CONTENT_TYPES = { JSON: "application/json", ".npy": "application/x-npy" };

/** `tfjs-studio serve` on a free port; resolves with its URL and a stop function once the model is loaded. */
function startServer(archive, args, log) {
  const child = spawn(process.execPath, [path.join(root, "bin", "tfjs-studio"), "serve", archive, "--port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let started = false;
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const ready = !started && / ready on (.+?): (http:\/\/\S+?)\/invocations/.exec(stderr);
      if (!ready) return;
      started = true;
      log(`  server ready on ${ready[1]} (${args.join(" ")})`);
      resolve({
        url: ready[2],
        backend: ready[1],
        stop: () => new Promise((done) => {
          child.once("close", done);
          child.kill("SIGTERM");
        }),
      });
    });
    child.once("close", (code) => reject(new Error(`tfjs-studio serve exited (${code}):\n${stderr}`)));
  });
}

/** GET /ping every 100 ms while `during` runs: SageMaker fails an endpoint whose /ping takes over 2 s. */
async function pingLatencies(url, during) {
  const latencies = [];
  let done = false;
  const pinging = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${url}/ping`);
      if (response.status !== 200) throw new Error(`/ping answered ${response.status} under load`);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const result = await during.finally(() => (done = true));
  await pinging;
  return { result, pingMaxMs: Math.max(...latencies), pings: latencies.length };
}

async function load(url, format, body, connections) {
  const result = await autocannon({ url: `${url}/invocations`, method: "POST", headers: { "content-type": CONTENT_TYPES[format] }, body, connections, duration: SECONDS });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${failed} failed requests at concurrency ${connections}`);
  return { connections, perSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, requests: result.requests.total };
}

const round = (value, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function run({ log } = { log: (line) => process.stderr.write(`${line}\n`) }) {
  const bundle = await bundleForBench(root, "serving", { entryPoints: [path.join(benchDir, "support", "servingBench.ts")] });
  const { packageCnn, predictInProcess, IMAGE, imageAsNpy } = createRequire(import.meta.url)(bundle);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-bench-serving-"));
  try {
    const modelDir = await packageCnn(work);
    const archive = path.join(work, "model.tar.gz");
    const bodies = { JSON: JSON.stringify({ instances: [IMAGE] }), ".npy": imageAsNpy() };
    log(`in-process predict, one image at a time, ${SECONDS} s...`);
    const inProcess = await predictInProcess(modelDir, SECONDS);
    const served = [];
    for (const mode of MODES) {
      const server = await startServer(archive, mode.args, log);
      try {
        for (const format of mode.bodies) {
          for (const connections of CONCURRENCY) {
            log(`  ${mode.name}, ${format}, concurrency ${connections}, ${SECONDS} s...`);
            const { result, pingMaxMs } = await pingLatencies(server.url, load(server.url, format, bodies[format], connections));
            served.push({ mode: mode.name, format, backend: server.backend, ...result, pingMaxMs });
          }
        }
      } finally {
        await server.stop();
      }
    }
    const best = served.find((r) => r.mode === "batching" && r.format === "JSON" && r.connections === 64);
    const bestNpy = served.find((r) => r.mode === "batching" && r.format === ".npy" && r.connections === 64);
    const ratio = best.perSecond / inProcess.perSecond;
    return {
      title: `Model server: POST /invocations, mnist-cnn, one 28x28 image a request, ${SECONDS} s each (goal at 64 with batching: > 2x in process, p99 < 100 ms)`,
      columns: ["how", "concurrency", "requests/s", "p50", "p99", "vs in-process", "slowest /ping"],
      rows: [
        [`in-process predict (${inProcess.backend})`, "1", round(inProcess.perSecond), `${round(inProcess.p50Ms, 2)} ms`, `${round(inProcess.p99Ms, 2)} ms`, "1.00x", ""],
        ...served.map((r) => [`serve, ${r.mode}, ${r.format}`, String(r.connections), round(r.perSecond), `${round(r.p50Ms, 1)} ms`, `${round(r.p99Ms, 1)} ms`, `${round(r.perSecond / inProcess.perSecond, 2)}x`, `${round(r.pingMaxMs, 1)} ms`]),
      ],
      notes: [`backend: ${served[0]?.backend}; autocannon on 127.0.0.1 sharing the machine's ${os.cpus().length} cores with the server; no failed requests`],
      summary: { batched_64_per_second: Math.round(best.perSecond), in_process_per_second: Math.round(inProcess.perSecond), ratio: Number(ratio.toFixed(2)), batched_64_p99_ms: best.p99Ms, batched_64_npy_per_second: Math.round(bestNpy.perSecond), npy_ratio: Number((bestNpy.perSecond / inProcess.perSecond).toFixed(2)), slowest_ping_ms: Math.round(Math.max(...served.map((r) => r.pingMaxMs))) },
      results: { inProcess, served },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, () => run());
