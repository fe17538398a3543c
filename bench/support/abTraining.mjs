// A/B timing of one change to the wasm kernels, in one process, the two variants taking turns so that a busy machine
// slows both alike: ms per training batch (CPU time and wall time, best of the rounds) with and without
// registerWasmGradients' faster stand-ins, or with and without the kernels named in KERNELS (a fused path's turn it off).
// For the training speed work, not part of `npm run bench`:
//   node bench/support/abTraining.mjs MODEL [BATCHES] [ROUNDS] [KERNELS]   (after `npm run bench -- training` bundled
//   the kernels; KERNELS: comma-separated, e.g. TfjsStudioAdamUpdate)
import { createRequire } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BATCH, buildTraining } from "./trainingModels.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const require = createRequire(path.join(root, "package.json"));
const [model, batchesText = "10", roundsText = "5", kernelsText] = process.argv.slice(2);
const batches = Number(batchesText);
const rounds = Number(roundsText);

const tf = require("@tensorflow/tfjs");
require("@tensorflow/tfjs-backend-wasm");
const stock = new Map(tf.getKernelsForBackend("wasm").map((k) => [k.kernelName, k]));
const { registerWasmGradients } = require(path.join(root, ".cache", "bench", "wasmGradients.cjs"));
const registered = registerWasmGradients(tf);
const replaced = kernelsText ? kernelsText.split(",") : registered.filter((name) => stock.has(name));
const ours = new Map(replaced.map((name) => [name, tf.getKernel(name, "wasm")]));
await tf.setBackend("wasm");
// A kernel that wasm lacks (a fused path's) is only unregistered for "stock".
const use = (kernels) => {
  for (const [name, config] of kernels) {
    if (tf.getKernel(name, "wasm") !== undefined) tf.unregisterKernel(name, "wasm");
    if (config !== undefined) tf.registerKernel(config);
  }
};

const { sequential, data } = buildTraining(tf, model);
const [x, y] = data(batches);
await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
const best = { stock: { cpu: Infinity, wall: Infinity }, ours: { cpu: Infinity, wall: Infinity } };
for (let round = 0; round < rounds; round++) {
  for (const [variant, kernels] of [["stock", new Map(replaced.map((name) => [name, stock.get(name)]))], ["ours", ours]]) {
    use(kernels);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
    const used = process.cpuUsage(cpu);
    best[variant].wall = Math.min(best[variant].wall, (performance.now() - start) / batches);
    best[variant].cpu = Math.min(best[variant].cpu, (used.user + used.system) / 1000 / batches);
  }
}
const f = (ms) => `${ms.toFixed(1)} ms/batch (${Math.round((1000 * BATCH) / ms)} samples/s)`;
console.log(`${model}, replaced ${replaced.join(", ")}: best of ${rounds} rounds of ${batches} batches`);
for (const variant of ["stock", "ours"]) console.log(`  ${variant.padEnd(5)} CPU ${f(best[variant].cpu)}, wall ${f(best[variant].wall)}`);
