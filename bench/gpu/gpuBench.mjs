// The webgpu backend on a real GPU, in one run: (1) the gradients of each template layer on webgpu against cpu
// (test/support/layerGradientCases.ts, max abs difference ≤ 1e-3), (2) training throughput of the MLP, CNN and LSTM
// bench models (bench/support/trainingModels.mjs: model.fit, batch 128, adam) on webgpu and on wasm (the machine's
// physical cores, at most 8, and 1 thread), for a fixed number of batches after warm-up batches (stopping early, and
// saying so, when a model's batches take over 45 s). Prints markdown tables; exits 1 when a gradient check fails or a
// part could not run.
//
// Bundled by bench/gpu/prepare.sh into the carry folder, where it runs under bench/gpu/run.sh. Each part runs in a
// process of its own, this same script with a mode argument (one backend per process, as the training bench does):
//   gpuBench.js                      the whole run
//   gpuBench.js gradients            prints the comparison as JSON
//   gpuBench.js train SETTING [N]    SETTING: webgpu or wasm; N: wasm threads (default: physical cores, at most 8);
//                                    prints {"backend", "results": [{"model", "batches", "asked", "seconds",
//                                    "samples_per_s", "loss"}]}
// Environment:
//   BENCH_GPU_BATCHES   timed batches for every model and backend (default: mlp 200, cnn 50, lstm 20): a software
//                       adapter needs a few only
import { spawn } from "node:child_process";
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { packageRoot } from "../../protocol/packageRoot";
import { probeAdapter } from "../../tfjs/backends/webgpu/adapterProbe";
import { WEBGPU_PACKAGE } from "../../tfjs/backends/webgpu/webgpuLoader";
import { ForcedBackendError } from "../../tfjs/backends/chooseBackend";
import { findNativePackage } from "../../tfjs/backends/tfjsPackages";
import { selectBackend } from "../../tfjs/backends/selectBackend";
import { physicalCores } from "../../tfjs/backends/threadCount";
import { GRADIENT_TOLERANCE, comparisonFromJson, comparisonToJson, gradientPasses, webgpuAgainstCpu } from "../../test/support/layerGradientCases";
import { BATCH, buildTraining } from "../support/trainingModels.mjs";

const MODELS = ["mlp", "cnn", "lstm"];
const DEFAULT_BATCHES = { mlp: 200, cnn: 50, lstm: 20 };
/** The first batches compile the GPU's shaders and the wasm operators: not timed. */
const WARMUP_BATCHES = 2;
/** Seconds one model's timed batches may take before training stops early. */
const MODEL_SECONDS_CAP = 45;
const GRADIENTS_TIMEOUT_S = 90;
const TRAINING_TIMEOUT_S = 200;

function batchesFor(model) {
  const override = process.env.BENCH_GPU_BATCHES;
  if (override === undefined) return DEFAULT_BATCHES[model];
  const batches = Number(override);
  if (!Number.isInteger(batches) || batches < 1) throw new Error(`BENCH_GPU_BATCHES must be a positive integer, got ${override}`);
  return batches;
}

async function gradients() {
  process.stdout.write(`${comparisonToJson(await webgpuAgainstCpu(packageRoot()))}\n`);
}

async function train(setting, threads) {
  const { loaded } = await selectBackend({ notebookDir: packageRoot(), setting, threads });
  const { tf } = loaded;
  const results = [];
  try {
    for (const model of MODELS) {
      try {
        results.push({ model, ...(await timeTraining(tf, model, batchesFor(model))) });
      } catch (error) {
        results.push({ model, error: String(error?.message ?? error).split("\n")[0] });
      }
    }
  } finally {
    await loaded.release?.();
  }
  process.stdout.write(`${JSON.stringify({ backend: loaded.description, results })}\n`);
}

async function timeTraining(tf, model, batches) {
  const { sequential, data } = buildTraining(tf, model);
  let [x, y] = data(WARMUP_BATCHES);
  await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
  tf.dispose([x, y]);
  [x, y] = data(batches);
  let done = 0;
  const start = performance.now();
  // A backend far slower than expected stops early rather than take the whole run: the table shows the batches done.
  // tfjs reads each batch's loss for a callback, which drains the GPU's queue every batch, as the kernel's live
  // metrics do in a notebook.
  const stopWhenLate = {
    onBatchEnd: async () => {
      done += 1;
      if (performance.now() - start > MODEL_SECONDS_CAP * 1000) sequential.stopTraining = true;
    },
  };
  const history = await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, callbacks: stopWhenLate });
  // A weight read waits for the GPU's queue: the last batch's update is done.
  await sequential.getWeights()[0].data();
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  sequential.dispose();
  return { batches: done, asked: batches, seconds, samples_per_s: (done * BATCH) / seconds, loss: history.history.loss[0] };
}

/** Runs this script in `mode`; resolves with the JSON it printed last, or rejects with why there is none. */
function runPart(args, timeoutSeconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutSeconds * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) return resolve(last);
      const why = signal === "SIGKILL" ? `no result within ${timeoutSeconds} s` : signal ?? `exit ${code}`;
      reject(new Error(`${args.join(" ")} failed (${why}): ${stderr.trim().split("\n").slice(-4).join(" | ")}`));
    });
  });
}

/** A markdown table; the columns from `firstNumeric` on are right-aligned. */
function table(columns, rows, firstNumeric) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(columns), line(columns.map((_, i) => (i >= firstNumeric ? "---:" : "---"))), ...rows.map(line)].join("\n");
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

async function main() {
  const started = performance.now();
  let failed = false;
  const cpu = os.cpus();
  console.log(`GPU bench, ${new Date().toISOString()}, Node ${process.version}, ${cpu[0]?.model.trim()} (${cpu.length} logical CPUs, ${physicalCores()} physical cores)`);

  const probe = await probeAdapter(findNativePackage(WEBGPU_PACKAGE, packageRoot()) ?? "");
  const adapter = probe.adapter;
  console.log(adapter ? `Adapter: ${adapter.description} (vendor ${adapter.vendor}, architecture ${adapter.architecture}, device ${adapter.device}${adapter.fallback ? ", software" : ""})` : `Adapter: none (${probe.failure ?? "Dawn found no adapter"})`);
  for (const warning of probe.warnings) console.log(`  Dawn: ${warning}`);

  log("gradients on webgpu and cpu…");
  try {
    const comparison = comparisonFromJson(await runPart(["gradients"], GRADIENTS_TIMEOUT_S));
    const rows = comparison.rows.map((row) => [row.layer, row.gradient, row.maxAbsDiff.toExponential(2), gradientPasses(row) ? "pass" : "FAIL"]);
    failed ||= comparison.rows.some((row) => !gradientPasses(row));
    console.log(`\nGradients, ${comparison.backend} against cpu (max abs difference ≤ ${GRADIENT_TOLERANCE}):\n`);
    console.log(table(["layer", "gradient", "max abs diff", `≤ ${GRADIENT_TOLERANCE}`], rows, 2));
  } catch (error) {
    failed = true;
    console.log(`\nGradients: ${error.message}`);
  }

  const cores = Math.min(physicalCores(), 8);
  const parts = [
    { label: "webgpu", args: ["webgpu"] },
    { label: `wasm, ${cores} thread${cores > 1 ? "s" : ""}`, args: ["wasm", String(cores)] },
    ...(cores > 1 ? [{ label: "wasm, 1 thread", args: ["wasm", "1"] }] : []),
  ];
  // samples/s by model and part label; a failure's reason instead.
  const measured = Object.fromEntries(MODELS.map((model) => [model, {}]));
  const descriptions = [];
  for (const part of parts) {
    log(`training on ${part.label}…`);
    try {
      const { backend, results } = JSON.parse(await runPart(["train", ...part.args], TRAINING_TIMEOUT_S));
      descriptions.push(`${part.label}: ${backend}`);
      for (const result of results) {
        failed ||= Boolean(result.error);
        measured[result.model][part.label] = result.error ? `failed: ${result.error}` : result;
      }
    } catch (error) {
      failed = true;
      descriptions.push(`${part.label}: ${error.message}`);
    }
  }
  const wasmLabel = parts[1].label;
  const rows = [];
  for (const model of MODELS) {
    for (const { label } of parts) {
      const result = measured[model][label];
      if (typeof result !== "object") {
        rows.push([model, label, "—", result ?? "—", "—"]);
        continue;
      }
      const wasm = measured[model][wasmLabel];
      const ratio = typeof wasm === "object" ? `${(result.samples_per_s / wasm.samples_per_s).toFixed(2)}×` : "—";
      const batches = result.batches < result.asked ? `${result.batches} of ${result.asked} (${MODEL_SECONDS_CAP} s cap)` : result.batches;
      rows.push([model, label, batches, Math.round(result.samples_per_s).toLocaleString("en-US"), ratio]);
    }
  }
  console.log(`\nTraining, model.fit, batch ${BATCH}, adam; ${WARMUP_BATCHES} warm-up batches, then the batches timed:\n`);
  console.log(table(["model", "backend", "batches", "samples/s", `÷ ${wasmLabel}`], rows, 2));
  console.log("");
  for (const description of descriptions) console.log(`- ${description}`);
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s${failed ? "; some parts FAILED" : ""}.`);
  process.exitCode = failed ? 1 : 0;
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === "gradients" ? gradients() : mode === "train" ? train(args[0], args[1]) : main();
run.catch((error) => {
  // A backend that cannot be used says why in its message; anything else is a bug, with its stack.
  process.stderr.write(`${error instanceof ForcedBackendError ? error.message : error?.stack ?? error}\n`);
  process.exitCode = 1;
});
