// Kernel benchmark: our kernel against tslab 1.0.22, in the same run, both spawned the same way from a connection
// file and measured through the same client (our KernelClient), plus, when Debian's jupyter_client is there, through
// jupyter_client as the issue's tslab reference figures were (~1.0 s start, ~5 ms p50 for `1+1`).
//
//   start      spawn → first kernel_info_reply on shell, kernel_info_request repeated every 10 ms; median of 5
//   execute    `1+1`: execute_request sent → execute_reply and IOPub status idle received; p50, p99 of 200 runs
//              after 5 warm-up executions
//   first      the first `1+1` after start (cold: whatever a kernel loads lazily); median of 5
//   RSS        VmRSS of the kernel process (and any children) after the first kernel_info_reply and after warm-up
//   interrupt  an interrupt 500 ms after a cell's status busy → its execute_reply, for a cell that awaits and for
//              `while (true) {}`; median of 5, on a fresh kernel per cell. Each kernel is interrupted as Jupyter
//              does it from its kernelspec: ours by interrupt_request on control (interrupt_mode "message"),
//              tslab by SIGINT (no interrupt_mode, so Jupyter's default "signal")
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

const STARTS = 5;
const WARMUP = 5;
const RUNS = 200;
const PROBE_INTERVAL_MS = 10;
const START_TIMEOUT_MS = 60_000;
/** Also how long a run waits for a status idle that may have been lost (see executeRuns). */
const EXECUTE_TIMEOUT_MS = 3_000;
const MAX_LOST_IDLE = 20;
const SHUTDOWN_GRACE_MS = 5_000;
const START_TARGET_MS = 1000;
const INTERRUPT_RUNS = 5;
const INTERRUPT_SETTLE_MS = 500;
const INTERRUPT_TIMEOUT_MS = 10_000;
const INTERRUPT_TARGET_MS = 1000;
const INTERRUPT_CELLS = {
  await: "await new Promise((resolve) => setTimeout(resolve, 60000));",
  loop: "while (true) {}",
};
const PYTHON = "/usr/bin/python3";
const PLACEHOLDER = "{connection_file}";

/** Process groups of the kernels still running, killed when we exit however we exit. */
const liveGroups = new Set();
process.on("exit", () => {
  for (const pid of liveGroups) killGroup(pid);
});

function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** VmRSS in kB of the process and its descendants (neither kernel has children today, but a future one might). */
function treeRssKb(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses: the fields after the last ")" are safe.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  let total = 0;
  for (const queue = [pid]; queue.length > 0; ) {
    const next = queue.pop();
    try {
      total += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${next}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Exited while we looked.
    }
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

/** Live processes whose command line mentions the text. */
function processesMentioning(text) {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile, as the Python side computes it. */
function percentile(samples, fraction) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(sorted.length * fraction)) - 1];
}

const round = (value, digits = 2) => (value === undefined ? undefined : Number(value.toFixed(digits)));

/**
 * Spawns a kernel from a connection file and times spawn → first kernel_info_reply. The client connects first:
 * ZeroMQ queues the probes until the kernel binds, as it does for jupyter_client.
 */
async function startKernel(client, spec, workDir) {
  const { path: connectionFile, info } = await client.writeConnectionFile({ runtimeDir: path.join(workDir, "runtime") });
  const kc = await client.KernelClient.connect(info);
  kc.on("warning", () => {});
  const [command, ...args] = spec.argv.map((arg) => arg.split(PLACEHOLDER).join(connectionFile));
  let output = "";
  const started = performance.now();
  const child = spawn(command, args, { cwd: workDir, env: spec.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  liveGroups.add(child.pid);
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  }).then((exit) => {
    liveGroups.delete(child.pid);
    kc.kernelDied(exit.error ? exit.error.message : `exit code ${exit.code}, signal ${exit.signal}`);
    return exit;
  });
  const kernel = { spec, child, kc, connectionFile, exited, output: () => output };

  try {
    await new Promise((resolve, reject) => {
      let done = false;
      const finish = (error) => {
        if (done) return;
        done = true;
        clearInterval(probes);
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve();
      };
      // Replies to probes still queued when the first is answered are ignored; close() rejects the unanswered ones.
      const probe = () => kc.request("shell", "kernel_info_request", {}).then(() => finish(), (error) => finish(error));
      const probes = setInterval(probe, PROBE_INTERVAL_MS);
      const deadline = setTimeout(() => finish(new Error(`no kernel_info_reply within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      probe();
    });
  } catch (error) {
    await stopKernel(kernel);
    throw new Error(`${spec.name} failed to start: ${error.message}\n--- kernel output ---\n${output}`, { cause: error });
  }
  kernel.startMs = performance.now() - started;
  kernel.rssStartKb = treeRssKb(child.pid);
  return kernel;
}

/** shutdown_request on control, as jupyter_client does; SIGKILL for the process group when it does not exit in time. */
async function stopKernel(kernel) {
  const { child, kc, exited } = kernel;
  if (liveGroups.has(child.pid)) {
    const grace = setTimeout(() => killGroup(child.pid), SHUTDOWN_GRACE_MS);
    await kc.request("control", "shutdown_request", { restart: false }, { timeoutMs: SHUTDOWN_GRACE_MS }).catch(() => {});
    await exited;
    clearTimeout(grace);
    // The kernel's own children, if any, go with it.
    killGroup(child.pid);
  }
  kc.close();
  fs.rmSync(kernel.connectionFile, { force: true });
}

async function execute(kernel, code, timeoutMs = EXECUTE_TIMEOUT_MS) {
  const result = await kernel.kc.execute(code, { timeoutMs });
  if (result.reply.content.status !== "ok") throw new Error(`${kernel.spec.name}: ${code} failed: ${JSON.stringify(result.reply.content)}`);
  return result;
}

/**
 * Runs `1+1` until it has `count` complete round trips. tslab 1.0.22 does not await its zeromq sends, so with
 * zeromq 6 a send that overlaps another fails with EBUSY and the message is lost: now and then an execution's
 * IOPub status idle never comes. Such a run (reply received, idle not) is counted as lost and run again.
 */
async function executeRuns(kernel, count, onSample, timeoutMs = EXECUTE_TIMEOUT_MS) {
  let lost = 0;
  for (let done = 0; done < count; ) {
    const started = performance.now();
    try {
      await execute(kernel, "1+1", timeoutMs);
    } catch (error) {
      if (error.name !== "RequestTimeoutError" || /no reply/.test(error.message) || ++lost > MAX_LOST_IDLE) throw error;
      continue;
    }
    onSample(performance.now() - started);
    done++;
  }
  return lost;
}

async function measureExecute(kernel, log) {
  // A SUB socket misses what is published before its subscription reaches the kernel; wait until IOPub flows.
  await kernel.kc.waitForReady(START_TIMEOUT_MS);
  let lostIdle = await executeRuns(kernel, WARMUP, () => {});
  const rssWarmKb = treeRssKb(kernel.child.pid);
  const samples = [];
  lostIdle += await executeRuns(kernel, RUNS, (sample) => samples.push(sample));
  const lost = lostIdle ? `, ${lostIdle} run(s) lost their status idle and were repeated` : "";
  log(`  ${kernel.spec.name}: ${RUNS} executions of 1+1, p50 ${percentile(samples, 0.5).toFixed(2)} ms${lost}`);
  return { samples, rssWarmKb, lostIdle };
}

/**
 * Interrupts `code` INTERRUPT_RUNS times, INTERRUPT_SETTLE_MS after its status busy, each time once `1+1` runs
 * again (tslab answers "abort" to cells sent just after an error). Stops at the first interrupt that gets no reply
 * in INTERRUPT_TIMEOUT_MS (the kernel is then wedged or dead): `failure` says so.
 */
async function measureInterrupt(kernel, code) {
  await kernel.kc.waitForReady(START_TIMEOUT_MS);
  const samples = [];
  let lostIdle = 0;
  while (samples.length < INTERRUPT_RUNS) {
    await untilUsable(kernel);
    let sentAt;
    let interruptTimer;
    const outcome = await kernel.kc
      .execute(code, {
        stop_on_error: false,
        timeoutMs: INTERRUPT_SETTLE_MS + INTERRUPT_TIMEOUT_MS,
        onIopub: (message) => {
          // tslab publishes no execute_input: status busy is what both send as the cell starts.
          if (interruptTimer || message.header.msg_type !== "status" || message.content.execution_state !== "busy") return;
          interruptTimer = setTimeout(() => {
            sentAt = performance.now();
            if (kernel.spec.interruptMode === "message") kernel.kc.request("control", "interrupt_request", {}).catch(() => {});
            // To the process group, as jupyter_client's signal_kernel does.
            else process.kill(-kernel.child.pid, "SIGINT");
          }, INTERRUPT_SETTLE_MS);
        },
      })
      .then(() => ({ repliedAt: performance.now() }), (error) => ({ error }));
    clearTimeout(interruptTimer);
    if (outcome.repliedAt !== undefined && sentAt !== undefined) {
      samples.push(outcome.repliedAt - sentAt);
      continue;
    }
    // The reply came and the status idle did not (tslab's lost sends): run it again, as executeRuns does.
    if (/no status idle/.test(outcome.error?.message) && !/no reply/.test(outcome.error.message) && ++lostIdle <= MAX_LOST_IDLE) continue;
    const died = kernel.child.exitCode !== null || kernel.child.signalCode !== null;
    const failure = died ? `the kernel died (${kernel.child.signalCode ?? `exit ${kernel.child.exitCode}`})` : `no reply within ${INTERRUPT_TIMEOUT_MS / 1000} s`;
    return { samples, failure };
  }
  return { samples };
}

/** Waits until `1+1` runs: after an interrupt, a kernel may refuse cells for a moment. */
async function untilUsable(kernel) {
  for (let attempt = 1; ; attempt++) {
    const result = await kernel.kc.execute("1+1", { timeoutMs: EXECUTE_TIMEOUT_MS }).catch((error) => ({ error }));
    if (result.reply?.content.status === "ok") return;
    if (attempt === 20) throw new Error(`${kernel.spec.name} does not run 1+1 after an interrupt: ${result.error?.message ?? result.reply.content.status}`);
    await sleep(500);
  }
}

/** Kernelspecs for both kernels, so jupyter_client starts exactly the argv our client starts. */
function writeKernelSpecs(specs, dataDir) {
  for (const spec of specs) {
    const dir = path.join(dataDir, "kernels", `bench-${spec.name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify({ argv: spec.argv, display_name: spec.name, language: "typescript" }));
  }
}

function jupyterClientAvailable() {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", "import jupyter_client"], { stdio: "ignore" }).status === 0;
}

function measureThroughJupyterClient(root, spec, env, workDir) {
  const script = path.join(root, "bench", "support", "jupyter_client_kernel.py");
  const args = [script, `bench-${spec.name}`, "--starts", String(STARTS), "--warmup", String(WARMUP), "--runs", String(RUNS)];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: workDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    liveGroups.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => killGroup(child.pid), 10 * 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      const last = stdout.trim().split("\n").at(-1);
      if (code === 0 && last) resolve(JSON.parse(last));
      else reject(new Error(`jupyter_client measurement of ${spec.name} failed (exit ${code}):\n${stderr}`));
    });
  });
}

const ms = (value) => (value === undefined ? "—" : `${value.toFixed(value >= 100 ? 0 : 2)} ms`);
const mb = (kb) => (kb === undefined ? "—" : `${(kb / 1024).toFixed(1)} MB`);
/** The median when every interrupt was answered. */
const interruptMedian = ({ samples, failure }) => (failure ? undefined : median(samples));
const interruptCell = (interrupt) => (interrupt.failure ? `✗ ${interrupt.failure}` : ms(interruptMedian(interrupt)));
const ratio = (ours, theirs) => (ours === undefined || !theirs ? "—" : `${(ours / theirs).toFixed(2)}×`);

export default async function run(context) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-bench-"));
  const removeWorkDir = () => {
    // Kernels that jupyter_client started are in sessions of their own, out of reach of killGroup when the
    // Python script is killed; their argv names their connection file, which is in the work dir.
    for (const pid of processesMentioning(workDir)) {
      killGroup(pid);
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  process.once("exit", removeWorkDir); // after an interrupt too
  try {
    return await measure(context, workDir);
  } finally {
    process.off("exit", removeWorkDir);
    removeWorkDir();
  }
}

async function measure({ root, client, log }, workDir) {
  // Nothing goes to $HOME: history, Jupyter data and runtime files all stay in the temp dir.
  const env = {
    ...process.env,
    TFJS_STUDIO_HISTORY: path.join(workDir, "history.jsonl"),
    JUPYTER_DATA_DIR: path.join(workDir, "data"),
    JUPYTER_RUNTIME_DIR: path.join(workDir, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(workDir, "config"),
    JUPYTER_PATH: path.join(workDir, "share", "jupyter"),
  };
  const tslabBin = path.join(root, "node_modules", "tslab", "bin", "tslab");
  const tslabVersion = JSON.parse(fs.readFileSync(path.join(root, "node_modules", "tslab", "package.json"), "utf8")).version;
  const specs = [
    { name: "tfjs-studio", argv: client.kernelArgv(), env, interruptMode: "message" },
    { name: "tslab", argv: [process.execPath, tslabBin, "kernel", "--config-path", PLACEHOLDER], env, interruptMode: "signal" },
  ];
  const running = new Set();
  const measured = Object.fromEntries(specs.map((spec) => [spec.name, { starts: [], rssStartKb: [], firstExecute: [] }]));
  try {
    // Starts alternate between the kernels, so that a slow spell of the machine hits both.
    for (let round = 1; round <= STARTS; round++) {
      for (const spec of specs) {
        const kernel = await startKernel(client, spec, workDir);
        running.add(kernel);
        measured[spec.name].starts.push(kernel.startMs);
        measured[spec.name].rssStartKb.push(kernel.rssStartKb);
        // The first cell may pay for what a kernel loads lazily (a kernel may answer kernel_info before it has
        // loaded the TypeScript compiler): time it too, once IOPub is known to flow.
        await kernel.kc.waitForReady(START_TIMEOUT_MS);
        await executeRuns(kernel, 1, (sample) => measured[spec.name].firstExecute.push(sample), START_TIMEOUT_MS);
        log(`  start ${round}/${STARTS} ${spec.name}: ${kernel.startMs.toFixed(0)} ms, then first 1+1 ${measured[spec.name].firstExecute.at(-1).toFixed(0)} ms`);
        await stopKernel(kernel);
        running.delete(kernel);
      }
    }
    // One kernel at a time, so that neither competes with the other for the CPU.
    for (const spec of specs) {
      const kernel = await startKernel(client, spec, workDir);
      running.add(kernel);
      Object.assign(measured[spec.name], await measureExecute(kernel, log));
      await stopKernel(kernel);
      running.delete(kernel);
    }
    for (const spec of specs) {
      measured[spec.name].interrupts = {};
      for (const [cell, code] of Object.entries(INTERRUPT_CELLS)) {
        const kernel = await startKernel(client, spec, workDir);
        running.add(kernel);
        const interrupt = await measureInterrupt(kernel, code);
        measured[spec.name].interrupts[cell] = interrupt;
        log(`  ${spec.name}: interrupt ${cell}: ${interrupt.samples.map((sample) => sample.toFixed(0)).join(", ")} ms${interrupt.failure ? `; ${interrupt.failure}` : ""}`);
        await stopKernel(kernel);
        running.delete(kernel);
      }
    }
  } finally {
    for (const kernel of running) await stopKernel(kernel);
  }

  let viaJupyterClient;
  let jupyterClientNote;
  if (jupyterClientAvailable()) {
    writeKernelSpecs(specs, env.JUPYTER_PATH);
    viaJupyterClient = {};
    try {
      for (const spec of specs) {
        log(`  ${spec.name} through jupyter_client…`);
        viaJupyterClient[spec.name] = await measureThroughJupyterClient(root, spec, env, workDir);
      }
    } catch (error) {
      jupyterClientNote = `jupyter_client columns missing: ${error.message.split("\n")[0]}`;
      log(error.message);
      viaJupyterClient = undefined;
    }
  } else {
    jupyterClientNote = `jupyter_client columns missing: ${PYTHON} has no jupyter_client`;
  }

  const stats = Object.fromEntries(
    specs.map(({ name }) => {
      const m = measured[name];
      return [
        name,
        {
          start_median_ms: median(m.starts),
          start_ms: m.starts,
          first_execute_median_ms: median(m.firstExecute),
          first_execute_ms: m.firstExecute,
          start_plus_first_execute_median_ms: median(m.starts.map((start, i) => start + m.firstExecute[i])),
          execute_p50_ms: percentile(m.samples, 0.5),
          execute_p99_ms: percentile(m.samples, 0.99),
          execute_mean_ms: m.samples.reduce((a, b) => a + b, 0) / m.samples.length,
          execute_max_ms: Math.max(...m.samples),
          rss_start_kb: median(m.rssStartKb),
          rss_after_warmup_kb: m.rssWarmKb,
          lost_idle_runs: m.lostIdle,
          interrupt_await_median_ms: interruptMedian(m.interrupts.await),
          interrupt_loop_median_ms: interruptMedian(m.interrupts.loop),
        },
      ];
    }),
  );
  const ours = stats["tfjs-studio"];
  const theirs = stats.tslab;
  const jc = (name, key) => viaJupyterClient?.[name]?.[key];
  const startPass = ours.start_median_ms <= START_TARGET_MS;
  const p50Pass = ours.execute_p50_ms <= theirs.execute_p50_ms;
  const mark = (pass) => (pass ? "PASS" : "FAIL");
  const interruptPass = (cell) => (ours[`interrupt_${cell}_median_ms`] ?? Infinity) <= INTERRUPT_TARGET_MS;

  const columns = ["metric", "tfjs-studio", `tslab ${tslabVersion}`, "ratio (ours/tslab)", "target", "tfjs-studio (jupyter_client)", "tslab (jupyter_client)"];
  const rows = [
    [
      `start → first kernel_info_reply (median of ${STARTS})`,
      ms(ours.start_median_ms),
      ms(theirs.start_median_ms),
      ratio(ours.start_median_ms, theirs.start_median_ms),
      `≤ ${START_TARGET_MS} ms: ${mark(startPass)}`,
      ms(jc("tfjs-studio", "start_median_ms")),
      ms(jc("tslab", "start_median_ms")),
    ],
    [
      `first execute 1+1 after start, cold (median of ${STARTS})`,
      ms(ours.first_execute_median_ms),
      ms(theirs.first_execute_median_ms),
      ratio(ours.first_execute_median_ms, theirs.first_execute_median_ms),
      "—",
      "—",
      "—",
    ],
    [
      `start + first execute (median of ${STARTS})`,
      ms(ours.start_plus_first_execute_median_ms),
      ms(theirs.start_plus_first_execute_median_ms),
      ratio(ours.start_plus_first_execute_median_ms, theirs.start_plus_first_execute_median_ms),
      "—",
      ms(jc("tfjs-studio", "first_result_median_ms")),
      ms(jc("tslab", "first_result_median_ms")),
    ],
    [
      `execute 1+1 round trip p50 (${RUNS} runs)`,
      ms(ours.execute_p50_ms),
      ms(theirs.execute_p50_ms),
      ratio(ours.execute_p50_ms, theirs.execute_p50_ms),
      `≤ tslab: ${mark(p50Pass)}`,
      ms(jc("tfjs-studio", "execute_p50_ms")),
      ms(jc("tslab", "execute_p50_ms")),
    ],
    [
      `execute 1+1 round trip p99 (${RUNS} runs)`,
      ms(ours.execute_p99_ms),
      ms(theirs.execute_p99_ms),
      ratio(ours.execute_p99_ms, theirs.execute_p99_ms),
      "—",
      ms(jc("tfjs-studio", "execute_p99_ms")),
      ms(jc("tslab", "execute_p99_ms")),
    ],
    ["RSS after first kernel_info_reply", mb(ours.rss_start_kb), mb(theirs.rss_start_kb), ratio(ours.rss_start_kb, theirs.rss_start_kb), "—", "—", "—"],
    [`RSS after ${WARMUP} warm-up executions`, mb(ours.rss_after_warmup_kb), mb(theirs.rss_after_warmup_kb), ratio(ours.rss_after_warmup_kb, theirs.rss_after_warmup_kb), "—", "—", "—"],
    ...Object.entries({ await: "an awaiting cell", loop: "`while (true) {}`" }).map(([cell, label]) => [
      `interrupt → execute_reply, ${label} (median of ${INTERRUPT_RUNS})`,
      interruptCell(measured["tfjs-studio"].interrupts[cell]),
      interruptCell(measured.tslab.interrupts[cell]),
      ratio(ours[`interrupt_${cell}_median_ms`], theirs[`interrupt_${cell}_median_ms`]),
      `≤ ${INTERRUPT_TARGET_MS} ms: ${mark(interruptPass(cell))}`,
      "—",
      "—",
    ]),
  ];
  const notes = [
    `Both kernels spawned from a connection file (same cwd and environment) and measured through our KernelClient; the jupyter_client columns use ${PYTHON}'s jupyter_client with the same argv.`,
    `Start: spawn → first kernel_info_reply, kernel_info_request every ${PROBE_INTERVAL_MS} ms. Execute: send → execute_reply and IOPub idle, after ${WARMUP} warm-ups. RSS: VmRSS of the kernel process.`,
    `Start + first execute through jupyter_client: start_kernel() → the execute_reply of a 1+1 sent at the first kernel_info_reply, a kernel of its own each time (median of ${STARTS}).`,
    `Interrupt: ${INTERRUPT_SETTLE_MS} ms after the cell's status busy, as Jupyter would send it (tfjs-studio: interrupt_request on control; tslab: SIGINT), to its execute_reply; a fresh kernel per cell; ✗ when a kernel gave no reply within ${INTERRUPT_TIMEOUT_MS / 1000} s.`,
    ...specs
      .filter(({ name }) => measured[name].lostIdle > 0 || (jc(name, "lost_idle_runs") ?? 0) > 0)
      .map(
        ({ name }) =>
          `${name} lost the IOPub status idle of ${measured[name].lostIdle} execution(s) (${jc(name, "lost_idle_runs") ?? 0} through jupyter_client); those runs were repeated, not counted.` +
          (name === "tslab" ? " tslab 1.0.22 does not await its zeromq sends, which fail with EBUSY when they overlap." : ""),
      ),
    ...(jupyterClientNote ? [jupyterClientNote] : []),
  ];

  const summaryOf = (s, name) => ({
    start_ms: round(s.start_median_ms, 0),
    first_execute_ms: round(s.first_execute_median_ms, 0),
    start_plus_first_execute_ms: round(s.start_plus_first_execute_median_ms, 0),
    p50_ms: round(s.execute_p50_ms),
    p99_ms: round(s.execute_p99_ms),
    rss_start_mb: round(s.rss_start_kb / 1024, 1),
    rss_warm_mb: round(s.rss_after_warmup_kb / 1024, 1),
    ...Object.fromEntries(
      Object.entries(measured[name].interrupts).map(([cell, interrupt]) => [`interrupt_${cell}_ms`, interrupt.failure ?? round(interruptMedian(interrupt), 0)]),
    ),
    ...(viaJupyterClient
      ? {
          jupyter_client_start_ms: round(jc(name, "start_median_ms"), 0),
          jupyter_client_start_to_first_result_ms: round(jc(name, "first_result_median_ms"), 0),
          jupyter_client_p50_ms: round(jc(name, "execute_p50_ms")),
        }
      : {}),
  });
  const summary = {
    tfjs_studio: summaryOf(ours, "tfjs-studio"),
    tslab: { version: tslabVersion, ...summaryOf(theirs, "tslab") },
    targets: {
      start_le_1s: mark(startPass),
      p50_le_tslab: mark(p50Pass),
      interrupt_await_le_1s: mark(interruptPass("await")),
      interrupt_loop_le_1s: mark(interruptPass("loop")),
    },
  };
  const results = {
    method: {
      starts: STARTS,
      warmup: WARMUP,
      runs: RUNS,
      probe_interval_ms: PROBE_INTERVAL_MS,
      client: "KernelClient (client/kernelClient.ts)",
      argv: Object.fromEntries(specs.map((spec) => [spec.name, spec.argv])),
    },
    summary,
    kernels: Object.fromEntries(
      Object.entries(stats).map(([name, s]) => [
        name,
        {
          ...Object.fromEntries(Object.entries(s).map(([key, value]) => [key, Array.isArray(value) ? value.map((v) => round(v)) : round(value)])),
          execute_samples_ms: measured[name].samples.map((v) => round(v, 3)),
          interrupts: measured[name].interrupts,
        },
      ]),
    ),
    jupyter_client: viaJupyterClient ?? null,
  };
  return { title: `Kernel benchmark: tfjs-studio vs tslab ${tslabVersion} (node ${process.version})`, columns, rows, notes, summary, results };
}
