#!/usr/bin/env node
// "Live charts too slow to be left on": TF.js Studio's live metrics output against tfjs-vis (the charts
// tfjs users leave on during fit), in the same run, in real Chromium (Debian's, driven by playwright-core).
// Both draw the same simulated fit (20 epochs × 200 batches; loss/acc per batch, val_loss/val_acc per epoch)
// at the kernel's cadence: the updates are those the kernel's TrainingRun publishes (at most 10 a second),
// replayed at their times. Ours: the built notebook renderer (dist/webviews/renderer.js), called as VS Code
// calls it on each update_display_data. Theirs: tfvis.show.history, laid out as tfvis.show.fitCallbacks does.
//
//   npm run bench -- liveCharts          (builds first)      node bench/liveCharts.bench.mjs   (after a build)
//   TFJS_STUDIO_CODE_SERVER_PREFIX=DIR   where scripts/install-code-server.sh put playwright-core
//   CHROMIUM=PATH                        the browser (default /usr/bin/chromium)
//   TFJS_STUDIO_BENCH_SCREENSHOTS=DIR    a screenshot of each side's last frame there
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as http from "node:http";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForBench } from "./support/bundle.mjs";
import { runWhenMain } from "./support/standalone.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const RUN = { epochs: 20, batchesPerEpoch: 200, msPerBatch: 2.5 };
const UPDATE_BUDGET_MS = 100;
const BACK_TO_BACK_DRAWS = 6;
const SIDES = [
  { id: "studio", label: "TF.js Studio renderer" },
  { id: "tfjs-vis", label: "tfjs-vis 1.5.1" },
];
const SIZES = [
  { label: "1k batches", steps: 1000 },
  { label: "4k batches", steps: RUN.epochs * RUN.batchesPerEpoch },
];

const require = createRequire(import.meta.url);

/** scripts/codeServer.ts: where playwright-core is, and the Chromium (path, flags) the end-to-end tests drive too. */
async function loadCodeServerModule() {
  return require(await bundleForBench(root, "codeServer", { entryPoints: [path.join(root, "scripts", "codeServer.ts")] }));
}

/** playwright-core from where scripts/install-code-server.sh installs it, installing it when it is missing. */
function loadPlaywright(codeServer, log) {
  const prefix = codeServer.codeServerPrefix();
  const load = () => codeServer.requireFromPrefix(prefix)("playwright-core");
  try {
    return load();
  } catch {
    log(`playwright-core is not in ${prefix}: running scripts/install-code-server.sh`);
    const install = spawnSync("bash", [path.join(root, "scripts", "install-code-server.sh")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    try {
      return load();
    } catch {
      throw new Error(
        `playwright-core is missing from ${prefix} (scripts/install-code-server.sh exited with ${install.status ?? install.signal}): ` +
          "run `bash scripts/install-code-server.sh`, or set TFJS_STUDIO_CODE_SERVER_PREFIX to where it installed it",
      );
    }
  }
}

/** The page's files: the built renderer, tfjs-vis bundled for the browser, the driver, and the run to replay. */
async function pageFiles(run) {
  const renderer = path.join(root, "dist", "webviews", "renderer.js");
  if (!fs.existsSync(renderer)) throw new Error("dist/webviews/renderer.js is missing: run `npm run build` first (or `npm run bench`, which builds)");
  const tfvis = path.join(root, ".cache", "bench", "tfvis.mjs");
  await esbuild.build({
    stdin: { contents: 'import * as tfvis from "@tensorflow/tfjs-vis";\nexport { tfvis };\n', resolveDir: root, sourcefile: "bench-tfvis.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
    outfile: tfvis,
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>live charts</title><style>
:root { --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-descriptionForeground: #9d9d9d; --vscode-panel-border: #444; }
body { margin: 0; padding: 8px 16px; background: var(--vscode-editor-background); color: var(--vscode-foreground); font: 13px sans-serif; }
.cell { height: 120px; border: 1px solid #444; margin: 8px 0; }
#output { width: 900px; }
</style></head><body><div class="cell" id="cell-above"></div><div id="output"></div><div class="cell" id="cell-below"></div>
<script type="module" src="/driver.mjs"></script></body></html>`;
  return {
    "/": { type: "text/html", body: html },
    "/driver.mjs": { type: "text/javascript", file: path.join(benchDir, "support", "liveChartsPage.mjs") },
    "/renderer.js": { type: "text/javascript", file: renderer },
    "/renderer.css": { type: "text/css", file: path.join(root, "dist", "webviews", "renderer.css") },
    "/tfvis.mjs": { type: "text/javascript", file: tfvis },
    "/run.json": { type: "application/json", body: JSON.stringify(run) },
  };
}

function serve(files) {
  const server = http.createServer((request, response) => {
    const file = files[new URL(request.url, "http://127.0.0.1").pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    response.end(file.body ?? fs.readFileSync(file.file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Main-thread task time of the page so far (Chromium's own accounting), in ms. */
async function taskMs(cdp) {
  return (await pageMetric(cdp, "TaskDuration")) * 1000;
}

async function pageMetric(cdp, name) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((metric) => metric.name === name).value;
}

/** One update drawn, with the page's main-thread time for it (Chromium's TaskDuration delta). */
async function drawUpdate(page, cdp, index) {
  const before = await taskMs(cdp);
  const update = await page.evaluate((i) => window.liveCharts.update(i), index);
  return { ...update, busyMs: (await taskMs(cdp)) - before };
}

/**
 * Live: replays the updates at the times the kernel published them; a side still drawing when newer updates
 * came draws the newest next (the rest are skipped, as a consumer that keeps up with the data would).
 * Then the cost of one update back to back, at a run of 1k and of 4k batches.
 */
async function measureSide(context, base, side, run, log) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const check = () => {
    if (errors.length > 0) throw new Error(`${side.label}: ${errors[0]}`);
  };
  try {
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.liveCharts !== undefined);
    await page.evaluate((id) => window.liveCharts.load(id), side.id);
    const cdp = await context.newCDPSession(page);
    // Thread time, not wall time: what the update costs the main thread, even while other processes load the machine.
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    const idleFrames = await page.evaluate(() => window.liveCharts.idleFrames(1000));
    // The harness's own cost per update (evaluate round trip, metrics, one frame), for the notes.
    const harness = [];
    for (let i = 0; i < 10; i++) harness.push((await drawUpdate(page, cdp, -1)).busyMs);

    log(`  ${side.label}: live, ${run.updates.length} updates over ${(run.updates.at(-1).atMs / 1000).toFixed(0)} s of training`);
    await page.evaluate(() => window.liveCharts.begin());
    const live = [];
    const taskStart = await taskMs(cdp);
    const started = Date.now();
    for (let next = 0; next < run.updates.length; ) {
      await sleep(run.updates[next].atMs - (Date.now() - started));
      const now = Date.now() - started;
      let index = next;
      while (index + 1 < run.updates.length && run.updates[index + 1].atMs <= now) index++;
      const drawn = await drawUpdate(page, cdp, index);
      live.push({ ...drawn, index, steps: run.updates[index].steps, skipped: index - next, lateMs: Date.now() - started - run.updates[index].atMs });
      check();
      next = index + 1;
    }
    const wallMs = Date.now() - started;
    const busyMs = (await taskMs(cdp)) - taskStart;
    const observed = await page.evaluate(() => window.liveCharts.end());
    const heapMb = (await pageMetric(cdp, "JSHeapUsedSize")) / 2 ** 20;
    const shown = await page.evaluate(() => window.liveCharts.drawn());
    // Ours: loss and acc charts with points; tfjs-vis: its four canvases (batch and epoch, loss and acc).
    const complete = side.id === "studio" ? shown.charts.length === 2 && shown.charts.every((points) => points > 0) : shown.canvases === 4;
    if (!complete) throw new Error(`${side.label} did not draw its charts: ${JSON.stringify(shown)}`);
    if (process.env.TFJS_STUDIO_BENCH_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.TFJS_STUDIO_BENCH_SCREENSHOTS, `liveCharts-${side.id}.png`) });

    const backToBack = {};
    for (const size of SIZES) {
      log(`  ${side.label}: back to back at ${size.label}`);
      const index = run.updates.findIndex((update) => update.steps >= size.steps);
      // The first draw at this size also redraws the epoch chart (tfjs-vis): not counted.
      await drawUpdate(page, cdp, index);
      backToBack[size.label] = [];
      for (let i = 0; i < BACK_TO_BACK_DRAWS; i++) backToBack[size.label].push((await drawUpdate(page, cdp, index)).busyMs);
      check();
    }
    return { side: side.id, live, wallMs, busyMs, idleFrames, harnessMs: median(harness), heapMb, backToBack, ...observed };
  } finally {
    await page.close();
  }
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const median = (values) => percentile(values, 50);

/** Frames the page did not paint while updating, against the idle refresh interval. */
function missedFrames(frames, idleFrames) {
  const interval = median(idleFrames.slice(1).map((time, i) => time - idleFrames[i]));
  let missed = 0;
  for (let i = 1; i < frames.length; i++) missed += Math.max(0, Math.round((frames[i] - frames[i - 1]) / interval) - 1);
  return { interval, missed, percent: (100 * missed) / (missed + frames.length) };
}

function summarize(measured) {
  const stats = (values) => ({ p50: median(values), p95: percentile(values, 95), max: Math.max(...values) });
  // The first update is reported alone: it builds the charts.
  const [first, ...later] = measured.live;
  const heights = measured.live.map((update) => update.outputHeight);
  // Moves and shifts after the first draw: the output appearing moves the next cell once in any renderer.
  const belowTops = measured.live.map((update) => update.cellBelowTop);
  const moves = belowTops.slice(1).map((top, i) => Math.abs(top - belowTops[i])).filter((delta) => delta > 0.5);
  const laterShifts = measured.layoutShifts.filter((shift) => later.length > 0 && shift.at >= later[0].startedAt);
  return {
    side: measured.side,
    first: { busyMs: first.busyMs, toPaintMs: first.toPaintMs },
    live: {
      drawn: measured.live.length,
      skipped: measured.live.reduce((sum, update) => sum + update.skipped, 0),
      busyMs: stats(later.map((update) => update.busyMs)),
      shownAfterPublishMs: stats(measured.live.map((update) => update.lateMs)),
      lastShownAfterPublishMs: measured.live.at(-1).lateMs,
      busyPercentOfWall: (100 * measured.busyMs) / measured.wallMs,
    },
    backToBack: Object.fromEntries(Object.entries(measured.backToBack).map(([size, values]) => [size, stats(values)])),
    longTasks: { count: measured.longTasks.length, totalMs: measured.longTasks.reduce((sum, ms) => sum + ms, 0) },
    frames: missedFrames(measured.frames, measured.idleFrames),
    layoutShift: laterShifts.reduce((sum, shift) => sum + shift.value, 0),
    layoutShifts: laterShifts.length,
    cellBelowMoves: { count: moves.length, maxPx: Math.max(0, ...moves) },
    outputHeight: { min: Math.min(...heights), max: Math.max(...heights) },
    heapMb: measured.heapMb,
    harnessMsPerUpdate: measured.harnessMs,
  };
}

const budget = (ms) => (100 * ms) / UPDATE_BUDGET_MS;
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const spread = ({ p50, p95, max }) => `${fixed(p50)} / ${fixed(p95)} / ${fixed(max)} ms`;

export default async function run({ log } = { log: (line) => process.stderr.write(`${line}\n`) }) {
  const codeServer = await loadCodeServerModule();
  codeServer.checkChromium();
  const { chromium } = loadPlaywright(codeServer, log);
  const { simulateLiveChartsRun } = require(await bundleForBench(root, "liveChartsRun", { entryPoints: [path.join(benchDir, "support", "liveChartsRun.ts")] }));
  const simulated = simulateLiveChartsRun(RUN);
  const loadBefore = os.loadavg();
  const server = await serve(await pageFiles(simulated));
  const base = `http://127.0.0.1:${server.address().port}`;
  // Chromium's profile and caches go to a temporary folder, not $HOME.
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-live-charts-"));
  const browser = await chromium.launch({
    executablePath: codeServer.CHROMIUM,
    headless: true,
    env: { ...process.env, ...codeServer.isolatedEnvIn(temp) },
    args: codeServer.CHROMIUM_ARGS,
  });
  const measured = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
    // Offline like a webview: anything not from our server fails the benchmark.
    const external = [];
    await context.route((url) => !url.href.startsWith(base), (route) => {
      external.push(route.request().url());
      return route.abort();
    });
    for (const side of SIDES) measured.push(await measureSide(context, base, side, simulated, log));
    if (external.length > 0) throw new Error(`the page asked for remote resources: ${external.slice(0, 3).join(", ")}`);
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(temp, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg();
  const [ours, theirs] = measured.map(summarize);
  const both = (format) => [format(ours), format(theirs)];
  const rows = [
    ...SIZES.flatMap(({ label }) => [
      [`main-thread CPU per update at ${label}, back to back: p50 / p95 / max`, ...both((s) => spread(s.backToBack[label]))],
      [`  share of the ${UPDATE_BUDGET_MS} ms update budget (p50)`, ...both((s) => `${fixed(budget(s.backToBack[label].p50))} %`)],
    ]),
    ["first update (charts built): CPU, wall time to painted", ...both((s) => `${fixed(s.first.busyMs)} ms, ${fixed(s.first.toPaintMs)} ms`)],
    [`live: updates drawn of ${simulated.updates.length} (the rest skipped)`, ...both((s) => String(s.live.drawn))],
    ["live: CPU per update: p50 / p95 / max", ...both((s) => spread(s.live.busyMs))],
    ["live: main-thread CPU over wall time", ...both((s) => `${fixed(s.live.busyPercentOfWall)} %`)],
    ["live: update painted after its publish (wall): p50 / p95 / max", ...both((s) => spread(s.live.shownAfterPublishMs))],
    ["live: long tasks (> 50 ms): count, total", ...both((s) => `${s.longTasks.count}, ${fixed(s.longTasks.totalMs, 0)} ms`)],
    ["live: frames missed (dropped-frame proxy)", ...both((s) => `${fixed(s.frames.percent)} %`)],
    ["live: layout shifts after the first draw: count, CLS", ...both((s) => `${s.layoutShifts}, ${fixed(s.layoutShift, 3)}`)],
    ["live: next cell moved after the first draw: times, max", ...both((s) => `${s.cellBelowMoves.count}, ${fixed(s.cellBelowMoves.maxPx, 0)} px`)],
    ["live: output height min – max", ...both((s) => `${fixed(s.outputHeight.min, 0)} – ${fixed(s.outputHeight.max, 0)} px`)],
    ["JS heap used after the live run", ...both((s) => `${fixed(s.heapMb)} MB`)],
  ];
  const load = (values) => values.map((value) => value.toFixed(1)).join(" ");
  const cores = os.cpus().length;
  return {
    title: `Live training charts in Chromium: ${RUN.epochs} epochs × ${RUN.batchesPerEpoch} batches, updates at the kernel's ≤ 10 Hz`,
    columns: ["metric", SIDES[0].label, SIDES[1].label],
    rows,
    notes: [
      "CPU per update: thread time of the page's main-thread tasks (Chromium's TaskDuration in thread time: script, style, layout, paint) from an update until its frame is painted;",
      `  the harness's own share, an empty update, is ${fixed(ours.harnessMsPerUpdate)} / ${fixed(theirs.harnessMsPerUpdate)} ms (not subtracted)`,
      "ours: renderOutputItem on the kernel's own display payloads (batch series thinned to ≤ 300 points); tfjs-vis: every batch log so far,",
      "  as fitCallbacks accumulates them, re-rendered through vega-embed on each update (fitCallbacks itself redraws on every batch)",
      `back to back: ${BACK_TO_BACK_DRAWS} redraws of the update at that run size; live: the updates replayed at their publish times, a side`,
      "  that is still drawing when newer ones arrive draws the newest next; first update: the first of the live run",
      `frames missed: paint gaps against the idle refresh interval (${fixed(ours.frames.interval)} ms)`,
      `load average (1/5/15 min) before ${load(loadBefore)}, after ${load(loadAfter)} on ${cores} CPUs: on a loaded machine the wall-time figures`,
      "  (painted after publish, long tasks, frames missed, updates skipped) are upper bounds; the CPU figures are steadier",
    ],
    summary: {
      studio_ms_per_update_at_4k: Number(fixed(ours.backToBack[SIZES[1].label].p50)),
      tfjsvis_ms_per_update_at_4k: Number(fixed(theirs.backToBack[SIZES[1].label].p50)),
      studio_live_busy_percent: Number(fixed(ours.live.busyPercentOfWall)),
      tfjsvis_live_busy_percent: Number(fixed(theirs.live.busyPercentOfWall)),
      load_average: Number(loadBefore[0].toFixed(1)),
    },
    results: {
      run: RUN,
      loadAverage: { before: loadBefore, after: loadAfter, cpus: cores },
      sides: [ours, theirs],
      liveUpdates: Object.fromEntries(measured.map((side) => [side.side, side.live])),
    },
  };
}

runWhenMain(import.meta.url, () => run());
