// Training throughput of one of the benchmark's shapes in tfjs, in a process of its own (one backend per process).
// Run by bench/training.bench.mjs:
//   node tfjsTraining.mjs MODEL BACKEND SECONDS WASM_GRADIENTS [INSTRUMENT]
//   MODEL: mlp | cnn | lstm; BACKEND: wasm | wasm-Nt (N threads) | wasm-stock | cpu | tensorflow; SECONDS: how long to
//   time, after warm-up; WASM_GRADIENTS: the bundled tfjs/backends/wasmGradients with the kernel's wasm start
//   (registered when BACKEND is wasm; wasm-stock registers only the kernels wasm lacks, keeping its stock kernels where
//   ours would replace them, and tfjs' own LSTM, Dense, dropout and Adam);
//   INSTRUMENT (optional): a CommonJS module whose `install(tf)` runs before the model is built, e.g. the kernel's
//   metrics instrumentation, to measure what it costs.
// Prints one JSON line: {"model", "backend", "samples_per_s", "samples_per_cpu_s", "batches", "seconds", "cpu_seconds",
// "cold", "loss"}. CPU time (this process's, all threads) is less disturbed than wall time by other work on the machine.
// Training goes through model.fit, batch 128, adam, categorical cross-entropy, default shuffle: what a notebook does.
import { createRequire } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BATCH, buildTraining } from "./trainingModels.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const require = createRequire(path.join(root, "package.json"));
/** Data for at most this many batches is made for the timed fit (the MLP's is 80 MB). */
const MAX_BATCHES = 200;

const [model, backend, secondsText, wasmGradients, instrument] = process.argv.slice(2);
const seconds = Number(secondsText);

const tf = require("@tensorflow/tfjs");
const threads = backend === "wasm-stock" ? 1 : Number(/^wasm(?:-(\d+)t)?$/.exec(backend)?.[1] ?? 1);
const isWasm = backend === "wasm-stock" || /^wasm(-\d+t)?$/.test(backend);
if (isWasm) {
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  const stock = tf.getKernelsForBackend("wasm");
  const { registerWasmGradients, FUSED_KERNELS, startWasm } = require(wasmGradients);
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  const started = await startWasm(tf, wasm, wasmDir, { threads }, async () => {
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
  });
  if (started.threads !== threads) throw new Error(`${backend}: wasm runs ${started.threads} thread(s): ${started.note}`);
  registerWasmGradients(tf);
  // wasm-stock: only the missing gradient kernels, the stock kernels where ours replace them, and tfjs' own LSTM,
  // Dense, dropout and Adam (the fused ones run only where their kernels are registered): the "before" figures.
  if (backend === "wasm-stock") {
    for (const config of stock) {
      tf.unregisterKernel(config.kernelName, "wasm");
      tf.registerKernel(config);
    }
    for (const name of FUSED_KERNELS) tf.unregisterKernel(name, "wasm");
  }
} else if (backend === "tensorflow") {
  require("@tensorflow/tfjs-node");
}
if (!(await tf.setBackend(isWasm ? "wasm" : backend))) throw new Error(`backend ${backend} did not initialize`);
if (instrument) require(instrument).install(tf);

const { sequential, data } = buildTraining(tf, model);

// Warm-up: one batch (compiles the wasm operators, allocates). A batch slower than the whole budget (cpu's CNN: about a
// minute) is measured that once, cold, rather than again. Otherwise a second fit runs until `seconds` have passed.
let [x, y] = data(1);
let cpuStart = process.cpuUsage();
let start = performance.now();
let history = await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
let elapsed = (performance.now() - start) / 1000;
tf.dispose([x, y]);
let cpu = process.cpuUsage(cpuStart);
let cpuSeconds = (cpu.user + cpu.system) / 1e6;
let batches = 1;
if (elapsed < seconds) {
  [x, y] = data(MAX_BATCHES);
  batches = 0;
  const stopWhenDone = {
    onBatchEnd: async () => {
      batches += 1;
      if (batches >= 3 && performance.now() - start >= seconds * 1000) sequential.stopTraining = true;
    },
  };
  start = performance.now();
  cpuStart = process.cpuUsage();
  history = await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, callbacks: stopWhenDone });
  elapsed = (performance.now() - start) / 1000;
  cpu = process.cpuUsage(cpuStart);
  cpuSeconds = (cpu.user + cpu.system) / 1e6;
  tf.dispose([x, y]);
}
const loss = history.history.loss[0];
process.stdout.write(`${JSON.stringify({ model, backend, samples_per_s: (batches * BATCH) / elapsed, samples_per_cpu_s: (batches * BATCH) / cpuSeconds, batches, seconds: elapsed, cpu_seconds: cpuSeconds, cold: batches === 1, loss })}\n`);
