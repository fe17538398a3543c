// The live-chart benchmark's page (browser ES module; one page load per side, so the two never share a heap).
// It draws one cell output between two fixed "cells" of a notebook, and exposes window.liveCharts:
//   load(side)   side "studio": TF.js Studio's notebook renderer (dist/webviews/renderer.js), driven the way
//                VS Code drives it on each update_display_data: renderOutputItem(item, sameElement, signal);
//                side "tfjs-vis": tfvis.show.history, laid out as tfvis.show.fitCallbacks does (a batch chart
//                redrawn on every update, an epoch chart redrawn when an epoch ended).
//   update(i)    applies display update i and resolves once the next frame after it is painted.
//   drawn()      what the output shows (charts with their point counts, canvases).
//   begin()/end() the observers (long tasks, layout shifts, frames) over the measured updates.
const METRICS_MIME = "application/vnd.tfjs-studio.metrics+json";

const output = document.getElementById("output");
const cellBelow = document.getElementById("cell-below");
let run;
let draw;

/** Resolves after the next frame is painted: a rAF callback runs before paint, a message posted from it after. */
function nextPaint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(undefined);
    });
  });
}

async function studioDraw() {
  const { activate } = await import("/renderer.js");
  const renderer = activate({ postMessage() {}, onDidReceiveMessage: () => ({ dispose() {} }), setState() {}, getState: () => undefined });
  return async (update) => {
    const json = update.json;
    const item = {
      id: "cell-1-output-0",
      mime: METRICS_MIME,
      metadata: {},
      data: () => new TextEncoder().encode(json),
      text: () => json,
      json: () => JSON.parse(json),
      blob: () => new Blob([json], { type: METRICS_MIME }),
    };
    await renderer.renderOutputItem(item, output, new AbortController().signal);
    if (output.textContent.startsWith("TF.js Studio could not draw")) throw new Error(output.textContent);
  };
}

async function tfvisDraw() {
  const { tfvis } = await import("/tfvis.mjs");
  const batchArea = document.createElement("div");
  const epochArea = document.createElement("div");
  output.append(batchArea, epochArea);
  let epochsDrawn = 0;
  return async (update) => {
    // The logs fitCallbacks would have accumulated by then (a slice: the benchmark also goes back to 1k batches).
    const drawn = [tfvis.show.history(batchArea, run.batchLogs.slice(0, update.steps), ["loss", "acc"], { xLabel: "Batch" })];
    if (update.epochs !== epochsDrawn) {
      epochsDrawn = update.epochs;
      drawn.push(tfvis.show.history(epochArea, run.epochLogs.slice(0, update.epochs), ["loss", "val_loss", "acc", "val_acc"], { xLabel: "Epoch" }));
    }
    await Promise.all(drawn);
  };
}

const observed = { longTasks: [], layoutShifts: [], frames: [] };
let observing = false;
new PerformanceObserver((list) => {
  if (observing) observed.longTasks.push(...list.getEntries().map((entry) => entry.duration));
}).observe({ type: "longtask" });
new PerformanceObserver((list) => {
  if (observing) observed.layoutShifts.push(...list.getEntries().map((entry) => ({ value: entry.value, at: entry.startTime })));
}).observe({ type: "layout-shift" });
function countFrames(time) {
  if (observing) observed.frames.push(time);
  requestAnimationFrame(countFrames);
}
requestAnimationFrame(countFrames);

window.liveCharts = {
  async load(side) {
    run = await (await fetch("/run.json")).json();
    draw = side === "studio" ? await studioDraw() : await tfvisDraw();
    return run.updates.length;
  },
  /** Frame timestamps over `ms` of idle page: the refresh interval without any chart work. */
  async idleFrames(ms) {
    const frames = [];
    const started = performance.now();
    while (performance.now() - started < ms) frames.push(await new Promise((resolve) => requestAnimationFrame(resolve)));
    return frames;
  },
  begin() {
    observed.longTasks = [];
    observed.layoutShifts = [];
    observed.frames = [];
    observing = true;
  },
  async update(index) {
    const started = performance.now();
    if (index >= 0) await draw(run.updates[index]);
    const drawn = performance.now();
    // Style and layout the update left pending (forced here, else the frame pays them).
    output.getBoundingClientRect();
    const laidOut = performance.now();
    await nextPaint();
    const painted = performance.now();
    return {
      startedAt: started,
      drawMs: drawn - started,
      layoutMs: laidOut - drawn,
      toPaintMs: painted - started,
      outputHeight: output.getBoundingClientRect().height,
      cellBelowTop: cellBelow.getBoundingClientRect().top,
    };
  },
  /** What the output shows now: the check that a side really drew its charts. */
  drawn() {
    const charts = [...output.querySelectorAll(".tfjs-metrics-chart")].map((chart) => Number(chart.dataset.points));
    return { charts, canvases: output.querySelectorAll("canvas").length, text: output.textContent.slice(0, 200) };
  },
  end() {
    observing = false;
    return observed;
  },
};
