// One full run of the mnist-cnn template on Fashion-MNIST, the way a user runs it: `tfjs-studio new`, then
// `tfjs-studio run`, on the kernel's default backend. Reports the test accuracy the notebook prints and the
// time of every epoch from the run log the kernel writes (runs/<id>/metrics.jsonl).
//
//   node bench/run.mjs templateRun
//   BENCH_TEMPLATE_EPOCHS=N   epochs (default: the template's own default)
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export default async function run({ root, log }) {
  if (!fs.existsSync(FASHION_MNIST_DIR)) {
    throw new Error(`${FASHION_MNIST_DIR} is missing: install Debian's dataset-fashion-mnist (bash scripts/install-system-deps.sh --bench)`);
  }
  const cli = path.join(root, "bin", "tfjs-studio");
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-bench-template-"));
  try {
    const project = path.join(workDir, "fashion");
    const scaffold = spawnSync(process.execPath, [cli, "new", "mnist-cnn", project], { encoding: "utf8" });
    if (scaffold.status !== 0) throw new Error(`tfjs-studio new failed: ${scaffold.stderr}`);
    const env = { ...process.env, MNIST_DATASET: "fashion-mnist" };
    if (process.env.BENCH_TEMPLATE_EPOCHS) env.EPOCHS = process.env.BENCH_TEMPLATE_EPOCHS;
    const output = path.join(project, "trained.ipynb");
    const started = Date.now();
    await runNotebook(cli, path.join(project, "mnist-cnn.ipynb"), output, env, log);
    const wallSeconds = (Date.now() - started) / 1000;

    const printed = notebookText(output);
    const testAccuracy = Number(/test accuracy: ([\d.]+)/.exec(printed)?.[1]);
    const backend = /backend: (\S+)/.exec(printed)?.[1] ?? "unknown";
    const epochs = epochRecords(path.join(project, "runs"));
    const seconds = (ms) => (ms / 1000).toFixed(1);
    const metric = (record, name) => (record.metrics[name] ?? NaN).toFixed(4);
    return {
      title: `mnist-cnn template on Fashion-MNIST (${backend}; \`tfjs-studio run\`, 54,000 training / 6,000 validation / 10,000 test images)`,
      columns: ["epoch", "time", "loss", "accuracy", "val_loss", "val_accuracy"],
      rows: epochs.map((record) => [String(record.epoch), `${seconds(record.epochMs)} s`, metric(record, "loss"), metric(record, "acc"), metric(record, "val_loss"), metric(record, "val_acc")]),
      notes: [`test accuracy ${testAccuracy.toFixed(4)}; whole notebook ${wallSeconds.toFixed(0)} s (loading, training, evaluation, save and reload)`],
      summary: { backend, test_accuracy: testAccuracy, mean_epoch_seconds: Number(seconds(epochs.reduce((sum, r) => sum + r.epochMs, 0) / epochs.length)), notebook_seconds: Math.round(wallSeconds) },
      results: { backend, testAccuracy, notebookSeconds: wallSeconds, epochs },
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function runNotebook(cli, notebook, output, env, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "run", notebook, "--output", output, "--timeout", "7200"], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      for (const line of String(chunk).split("\n").filter(Boolean)) log(`  ${line}`);
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tfjs-studio run exited with ${code}:\n${stderr.slice(-2000)}`))));
  });
}

/** Every stream output of the executed notebook, in order. */
function notebookText(file) {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.output_type === "stream")
    .map((output) => [].concat(output.text).join(""))
    .join("");
}

/** The epoch records of the notebook's one training run. */
function epochRecords(runsDir) {
  const [runId] = fs.readdirSync(runsDir);
  return fs
    .readFileSync(path.join(runsDir, runId, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((record) => record.type === "epoch");
}
