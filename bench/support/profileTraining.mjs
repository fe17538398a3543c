// Where a training batch's time goes in tfjs: the kernels (by name, from tf.profile) and the rest (tfjs-layers' fit
// loop, callbacks, tensor bookkeeping). For the training speed work, not part of `npm run bench`:
//   node bench/support/profileTraining.mjs MODEL BACKEND [BATCHES]     (after `npm run bench -- training` bundled
//   .cache/bench/wasmGradients.cjs)
import { createRequire } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BATCH, buildTraining } from "./trainingModels.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const require = createRequire(path.join(root, "package.json"));
const [model, backend, batchesText = "5"] = process.argv.slice(2);
const batches = Number(batchesText);

const tf = require("@tensorflow/tfjs");
if (backend === "wasm") {
  require("@tensorflow/tfjs-backend-wasm");
  require(path.join(root, ".cache", "bench", "wasmGradients.cjs")).registerWasmGradients(tf);
}
await tf.setBackend(backend);
const { sequential, data } = buildTraining(tf, model);
const [x, y] = data(batches);
await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });

let start = performance.now();
await sequential.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
const fitMs = (performance.now() - start) / batches;
start = performance.now();
for (let i = 0; i < batches; i++) {
  const [bx, by] = [x.slice(i * BATCH, BATCH), y.slice(i * BATCH, BATCH)];
  await sequential.trainOnBatch(bx, by);
  tf.dispose([bx, by]);
}
const trainOnBatchMs = (performance.now() - start) / batches;
const bx = x.slice(0, BATCH);
const by = y.slice(0, BATCH);
const profile = await tf.profile(() => sequential.trainOnBatch(bx, by));
const byKernel = new Map();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += kernel.kernelTimeMs;
  entry.calls += 1;
  byKernel.set(kernel.name, entry);
}
const kernelMs = [...byKernel.values()].reduce((sum, k) => sum + k.ms, 0);
console.log(`${model} on ${backend}: fit ${fitMs.toFixed(1)} ms/batch, trainOnBatch ${trainOnBatchMs.toFixed(1)} ms/batch, kernels ${kernelMs.toFixed(1)} ms (${profile.kernels.length} calls)`);
for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`  ${name.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms ${String(calls).padStart(5)} calls ${((100 * ms) / kernelMs).toFixed(1).padStart(5)}%`);
}
