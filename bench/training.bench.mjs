// Training benchmark: samples/s of model.fit, batch 128, adam, categorical cross-entropy, synthetic data, for the
// three template shapes, on tfjs backends and in PyTorch (Debian's python3-torch, default threads) in the same run.
//
//   mlp    28×28×1 → Flatten → Dense 128 relu → Dropout 0.2 → Dense 10 softmax                     (templates/mnist-mlp)
//   cnn    28×28×1 → Conv2D 32 3×3 relu → MaxPool 2 → Conv2D 64 3×3 relu → MaxPool 2 → Flatten
//          → Dense 128 relu → Dropout 0.25 → Dense 10 softmax                                      (templates/mnist-cnn)
//   lstm   100 word ids → Embedding 10,000×64 → LSTM 64 → Dense 2 softmax          (templates/lstm-text-classification)
//
// Each measurement runs in a process of its own (bench/support/tfjsTraining.mjs, bench/support/torch_training.py):
// one warm-up batch, then batches until BENCH_TRAINING_SECONDS have passed. A tfjs batch slower than that (stock cpu's
// CNN takes about a minute) is measured once, cold, and marked so. The machine may be busy with other work, so every
// measurement is repeated BENCH_TRAINING_ROUNDS times, the variants taking turns, and the table shows the median round:
// PyTorch's speed here varies up to 2-4× from one process to the next (one MLP process in several runs at 81,000
// samples/s where the others run 37,000-45,000), so the best round would compare with its luckiest process.
//
// Run only this benchmark: `npm run bench -- training` (or `node bench/run.mjs training` after `npm run build`).
// Environment:
//   BENCH_TRAINING_MODELS      models to run, default "mlp,cnn,lstm"
//   BENCH_TRAINING_BACKENDS    tfjs backends, default "wasm,wasm-2t,wasm-stock,cpu" (the first is the one compared
//                              with instrumentation). wasm runs 1 thread, wasm-Nt N threads (the kernel's threaded
//                              start, tfjs/backends/wasmThreads.ts). wasm-stock: the wasm backend with only the
//                              gradient kernels it lacks added, without our faster stand-ins for its slow kernels nor
//                              the fused LSTM, Dense, dropout and Adam (the figures before them)
//   BENCH_TRAINING_SECONDS     time per measurement, default 5
//   BENCH_TRAINING_ROUNDS      measurements of each figure, default 3 (a cold one is not repeated)
//   BENCH_TRAINING_TIMEOUT     seconds a measuring process may take, default 150: stock cpu trains the CNN at one
//                              batch a minute, and the LSTM slower still (one batch took over 3 minutes and 5 GB)
//   BENCH_TRAINING_INSTRUMENT  a CommonJS module whose install(tf) instruments training (the kernel's live metrics):
//                              adds the first backend again with it installed, and the overhead
// PyTorch runs at its default threads (as a user gets it: here 1 torch thread, while OpenBLAS spins a thread per core
// beside it) and at each thread count the tfjs backends run (torch.set_num_threads(N) with OPENBLAS_NUM_THREADS=1:
// torch's own threads split the work, and OpenBLAS threads on top of them only fight over the cores): the ratios
// divide by PyTorch at the same threads.
// scripts/install-system-deps.sh --bench installs python3-torch; without it the PyTorch columns say so.
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { bundleForBench } from "./support/bundle.mjs";

const PYTHON = "/usr/bin/python3";

function list(value, fallback) {
  return (value ?? fallback)
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** tfjs/backends/wasmGradients and the wasm start with threads (wasmThreads.ts) bundled for the tfjs processes, as the kernel bundles them. */
function bundleWasmGradients(root) {
  const contents = `export * from "./tfjs/backends/wasmGradients";\nexport { startWasm } from "./tfjs/backends/wasmThreads";\n`;
  return bundleForBench(root, "wasmGradients", { stdin: { contents, resolveDir: root, loader: "ts" } });
}

/** The threads a tfjs variant computes on: wasm-Nt N, the rest 1 (tfjs-node's own pool aside). */
function tfjsThreads(backend) {
  return Number(/^wasm-(\d+)t$/.exec(backend)?.[1] ?? 1);
}
const torchAt = (threads) => `pytorch ${threads} thread${threads === 1 ? "" : "s"}`;

/** Runs a measuring process and parses the JSON line it prints last; `{ timed_out: seconds }` when it took too long. */
function runJson(argv, cwd, timeoutSeconds, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    // Ctrl-C on the bench must not leave a training process behind.
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", kill);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (timedOut) resolve({ timed_out: timeoutSeconds });
      else if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last));
      else reject(new Error(`${path.basename(argv[1])} ${argv.slice(2, 4).join(" ")} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
  });
}

function torchInfo() {
  const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__, torch.get_num_threads())"], { encoding: "utf8" });
  if (probe.status !== 0) return undefined;
  const [version, threads] = probe.stdout.trim().split(" ");
  return { version, threads: Number(threads) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function rate(result) {
  if (!result) return "—";
  if (result.timed_out) return `< 1 batch in ${result.timed_out} s`;
  return `${Math.round(result.samples_per_s).toLocaleString("en-US")}${result.cold ? " (1 cold batch)" : ""}`;
}
function ratio(a, b, key = "samples_per_s") {
  if (!a?.[key] || !b?.[key]) return "—";
  const value = a[key] / b[key];
  return `${value < 0.1 ? value.toPrecision(2) : value.toFixed(2)}×`;
}

export default async function training({ root, log }) {
  const models = list(process.env.BENCH_TRAINING_MODELS, "mlp,cnn,lstm");
  const backends = list(process.env.BENCH_TRAINING_BACKENDS, "wasm,wasm-2t,wasm-stock,cpu");
  const seconds = Number(process.env.BENCH_TRAINING_SECONDS ?? 5);
  if (!(seconds > 0)) throw new Error(`BENCH_TRAINING_SECONDS must be a positive number, got ${process.env.BENCH_TRAINING_SECONDS}`);
  const timeout = Number(process.env.BENCH_TRAINING_TIMEOUT ?? 150);
  if (!(timeout > 0)) throw new Error(`BENCH_TRAINING_TIMEOUT must be a positive number, got ${process.env.BENCH_TRAINING_TIMEOUT}`);
  const rounds = Number(process.env.BENCH_TRAINING_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_TRAINING_ROUNDS must be a positive integer, got ${process.env.BENCH_TRAINING_ROUNDS}`);
  const instrument = process.env.BENCH_TRAINING_INSTRUMENT ? path.resolve(process.env.BENCH_TRAINING_INSTRUMENT) : undefined;
  const wasmGradients = await bundleWasmGradients(root);
  const torch = torchInfo();
  const worker = path.join(root, "bench", "support", "tfjsTraining.mjs");
  const variants = backends.map((backend) => ({ name: `tfjs ${backend}`, threads: tfjsThreads(backend), argv: (model) => [process.execPath, worker, model, backend, String(seconds), wasmGradients] }));
  if (instrument) {
    variants.push({ name: `tfjs ${backends[0]} + instrumentation`, threads: variants[0].threads, argv: (model) => [...variants[0].argv(model), instrument] });
  }
  const torchScript = path.join(root, "bench", "support", "torch_training.py");
  if (torch) {
    variants.push({ name: "pytorch", torch: true, argv: (model) => [PYTHON, torchScript, model, String(seconds)] });
    for (const threads of [...new Set(variants.filter((v) => !v.torch).map((v) => v.threads))].sort()) {
      const env = { ...process.env, OPENBLAS_NUM_THREADS: "1" };
      variants.push({ name: torchAt(threads), torch: true, env, argv: (model) => [PYTHON, torchScript, model, String(seconds), String(threads)] });
    }
  }

  // results[model][variant]: the last round's result with the median samples/s and samples per CPU second, and every round.
  const results = {};
  for (const model of models) {
    results[model] = {};
    for (let round = 1; round <= rounds; round++) {
      for (const variant of variants) {
        const earlier = results[model][variant.name];
        if (earlier?.cold || earlier?.timed_out) continue;
        try {
          const result = await runJson(variant.argv(model), root, timeout, variant.env);
          if (result.timed_out) {
            log(`  ${model} on ${variant.name}: no result within ${timeout} s`);
            results[model][variant.name] = result;
            continue;
          }
          log(`  ${model} on ${variant.name}, round ${round}/${rounds}: ${rate(result)} samples/s`);
          const measured = [...(earlier?.rounds ?? []), { samples_per_s: result.samples_per_s, samples_per_cpu_s: result.samples_per_cpu_s }];
          results[model][variant.name] = {
            ...result,
            samples_per_s: median(measured.map((r) => r.samples_per_s)),
            samples_per_cpu_s: median(measured.map((r) => r.samples_per_cpu_s)),
            rounds: measured,
          };
        } catch (error) {
          log(`  ${error.message}`);
        }
      }
    }
  }

  // torch's own thread count; its BLAS (OpenBLAS, see scripts/install-system-deps.sh --bench) may use more.
  const torchName = torch ? `PyTorch ${torch.version}, default (${torch.threads} torch thread${torch.threads === 1 ? "" : "s"}, OpenBLAS)` : "PyTorch (missing)";
  const tfjsVariants = variants.filter((v) => !v.torch);
  const torchThreads = variants.filter((v) => v.torch && v.name !== "pytorch");
  const short = (name) => name.replace("tfjs ", "");
  const columns = [
    "model (samples/s, batch 128)",
    ...tfjsVariants.map((v) => v.name),
    torchName,
    ...torchThreads.map((v) => v.name.replace("pytorch", "PyTorch,")),
    ...tfjsVariants.map((v) => `${short(v.name)} / PyTorch, same threads`),
    ...tfjsVariants.map((v) => `${short(v.name)} / PyTorch, same threads, CPU time`),
  ];
  if (instrument) columns.push("instrumentation overhead, CPU time");
  const rows = models.map((model) => {
    const r = results[model];
    const row = [
      model,
      ...tfjsVariants.map((v) => rate(r[v.name])),
      rate(r.pytorch),
      ...torchThreads.map((v) => rate(r[v.name])),
      ...tfjsVariants.map((v) => ratio(r[v.name], r[torchAt(v.threads)])),
      ...tfjsVariants.map((v) => ratio(r[v.name], r[torchAt(v.threads)], "samples_per_cpu_s")),
    ];
    if (instrument) {
      const plain = r[tfjsVariants[0].name];
      const instrumented = r[tfjsVariants.at(-1).name];
      const overhead = plain?.samples_per_cpu_s && instrumented?.samples_per_cpu_s ? 1 - instrumented.samples_per_cpu_s / plain.samples_per_cpu_s : undefined;
      row.push(overhead === undefined ? "—" : `${(overhead * 100).toFixed(1)}%`);
    }
    return row;
  });
  const notes = [
    `model.fit with adam and categorical cross-entropy on synthetic data; PyTorch: the same layers, nn.CrossEntropyLoss on logits, ${PYTHON}. Each figure: the median of ${rounds} rounds of ${seconds} s after one warm-up batch.`,
    "Ratios by CPU time divide samples per CPU second (the process's user + system time), which other work on a busy machine disturbs less than wall time.",
    "tfjs wasm runs 1 thread and wasm-2t 2 (tfjs' threaded SIMD build, its pthread workers started on worker_threads by tfjs/backends/wasmThreads.ts, as the kernel does), with tfjs/backends/wasmGradients registered (its LSTM, Dense, dropout and Adam the fused ones); wasm-stock has only the gradient kernels wasm lacks, not the faster stand-ins nor the fused LSTM, Dense, dropout and Adam.",
    "Ratios divide by PyTorch at the same threads: torch.set_num_threads(N) with OPENBLAS_NUM_THREADS=1 (with OpenBLAS threads on top, torch's threads and OpenBLAS's fight over the cores: 2 torch threads ran the LSTM 7× slower). At its default PyTorch runs its own threads and OpenBLAS one per core, which spins while it waits (CPU time, not speed). Two threads gain only where the machine has two free cores.",
  ];
  if (!torch) notes.push(`PyTorch columns missing: ${PYTHON} cannot import torch (install it with scripts/install-system-deps.sh --bench).`);
  const summary = Object.fromEntries(
    models.map((model) => [model, Object.fromEntries(Object.entries(results[model]).map(([name, result]) => [name, result.timed_out ? null : Math.round(result.samples_per_s)]))]),
  );
  return {
    title: "Training throughput: tfjs against PyTorch",
    columns,
    rows,
    notes,
    summary,
    results: { seconds_per_measurement: seconds, rounds, timeout_seconds: timeout, batch_size: 128, torch, models: results },
  };
}
