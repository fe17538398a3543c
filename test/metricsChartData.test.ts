// The chart logic of the metrics renderer and panel that needs no DOM: which metrics share a chart,
// TensorBoard-style smoothing, outlier clipping, lines from run logs, CSV, run colours, status line, state.
import * as assert from "node:assert/strict";
import { RUN_LOG_SCHEMA_VERSION, type MetricsDisplayData, type RunLogRecord } from "../protocol/runLogSchema";
import { restoreState } from "../webviews/metricsPanel/panelState";
import { displayCharts } from "../webviews/renderer/metricsDisplayLines";
import { remainingMs, statusLine } from "../webviews/renderer/metricsStatus";
import { alignLines, chartLines, type ChartRun } from "../webviews/shared/chartLines";
import { csvField, linesCsv } from "../webviews/shared/csvExport";
import { groupMetricNames } from "../webviews/shared/metricGroups";
import { clippedRange } from "../webviews/shared/outlierClipping";
import { runColor } from "../webviews/shared/runColors";
import { appendRecords, emptyRunSeries, endValues, metricNames } from "../protocol/runSeries";
import { metricsText } from "../protocol/metricsFormat";
import { lineStyleLegend, panelChart } from "../webviews/metricsPanel/panelChart";
import { runNames } from "../webviews/metricsPanel/runNames";
import type { PanelRun } from "../protocol/metricsPanelMessages";
import { folderState, isRunShown, setFolderShown, setRunShown, showOnlyFolder, type RunSelection } from "../webviews/metricsPanel/runSelection";
import { emaSmooth } from "../webviews/shared/smoothing";
import { isBoundedMetric, yRange, yScaleFor } from "../webviews/shared/yAxis";
import { contrastRatio, LINE_CONTRAST, parseColor, readableColor } from "../webviews/shared/colorContrast";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function runRecords(lossAt: (step: number) => number, steps = 6, stepsPerEpoch = 3): RunLogRecord[] {
  const records: RunLogRecord[] = [{ type: "start", schemaVersion: RUN_LOG_SCHEMA_VERSION, runId: "r", time: T0, epochs: steps / stepsPerEpoch, stepsPerEpoch, batchSize: 8, samples: 24 }];
  for (let step = 1; step <= steps; step++) {
    const epoch = Math.ceil(step / stepsPerEpoch);
    records.push({ type: "batch", step, epoch, batch: ((step - 1) % stepsPerEpoch) + 1, time: T0 + step * 100, elapsedMs: step * 100, size: 8, metrics: { loss: lossAt(step), acc: step / 10 } });
    if (step % stepsPerEpoch === 0) {
      records.push({ type: "epoch", step, epoch, time: T0 + step * 100 + 5, elapsedMs: step * 100 + 5, epochMs: 300, metrics: { loss: lossAt(step), acc: step / 10, val_loss: lossAt(step) + 0.1, val_acc: step / 12 } });
    }
  }
  records.push({ type: "end", step: steps, time: T0 + steps * 100 + 10, elapsedMs: steps * 100 + 10, status: "completed", finalMetrics: {} });
  return records;
}

function chartRun(id: string, records: RunLogRecord[], index = 0): ChartRun {
  const series = emptyRunSeries();
  appendRecords(series, records);
  return { id, label: id, color: runColor(index), series };
}

describe("metrics chart data", () => {
  it("puts each metric with its val_ twin, loss first", () => {
    assert.deepEqual(groupMetricNames(["val_acc", "acc", "val_loss", "loss", "mse"]), [
      { base: "loss", names: ["loss", "val_loss"] },
      { base: "acc", names: ["acc", "val_acc"] },
      { base: "mse", names: ["mse"] },
    ]);
  });

  it("smooths like TensorBoard: debiased, so a constant stays constant and the first point is itself", () => {
    assert.deepEqual(emaSmooth([2, 2, 2], 0.9).map((value) => Number(value!.toFixed(9))), [2, 2, 2]);
    const smoothed = emaSmooth([0, 10], 0.5);
    assert.equal(smoothed[0], 0);
    // average = 0.5*0 + 0.5*10 = 5 (after 0.5*0 for the first point); debiased by 1 - 0.5² = 0.75.
    assert.equal(smoothed[1], 5 / 0.75);
    assert.deepEqual(emaSmooth([1, null, 3], 0), [1, null, 3]);
    const withGap = emaSmooth([1, null, 1], 0.6);
    assert.equal(withGap[1], null, "a gap stays a gap");
    assert.ok(Math.abs(withGap[2]! - 1) < 1e-12, "and does not pull the average");
  });

  it("ignores outliers when it scales y, and only positive values on a log axis", () => {
    const values = [...Array.from({ length: 100 }, (_, index) => 1 + index / 100), 1e6];
    const [low, high] = clippedRange([values], false)!;
    assert.ok(low < 1 && low > 0.8, `low ${low}`);
    assert.ok(high < 2.5, `the 1e6 outlier is outside the range (high ${high})`);
    const [logLow] = clippedRange([[0, -1, 0.01, 0.1, 1]], true)!;
    assert.ok(logLow > 0, "a log range stays positive");
    assert.equal(clippedRange([[null, NaN]], false), null);
  });

  it("pads a metric that appears late with nulls, and keeps the run's end status", () => {
    const series = emptyRunSeries();
    appendRecords(series, [{ type: "batch", step: 1, epoch: 1, batch: 1, time: T0, elapsedMs: 0, size: 1, metrics: { loss: 1 } }]);
    appendRecords(series, [{ type: "batch", step: 2, epoch: 1, batch: 2, time: T0 + 1, elapsedMs: 1, size: 1, metrics: { loss: 0.5, acc: 0.7 } }]);
    assert.deepEqual(series.batches.values, { loss: [1, 0.5], acc: [null, 0.7] });
    assert.equal(series.status, "running");
    appendRecords(series, [{ type: "end", step: 2, time: T0 + 2, elapsedMs: 2, status: "interrupted", error: "stopped", finalMetrics: {} }]);
    assert.equal(series.status, "interrupted");
    assert.deepEqual(metricNames(series).sort(), ["acc", "loss"]);
  });

  it("draws each run's training line by batch or by epoch, and val_ at epoch ends, on the chosen x", () => {
    const a = chartRun("a", runRecords((step) => 1 / step));
    const b = chartRun("b", runRecords((step) => 2 / step, 3), 1);
    const [loss] = groupMetricNames(metricNames(a.series));
    const byBatch = chartLines([a, b], loss, { xAxis: "step", granularity: "batch", smoothing: 0 });
    assert.deepEqual(byBatch.map((line) => `${line.runId}:${line.metric}:${line.x.join(" ")}`), ["a:loss:1 2 3 4 5 6", "a:val_loss:3 6", "b:loss:1 2 3", "b:val_loss:3"]);
    assert.ok(byBatch[1].validation && !byBatch[0].validation);
    assert.notEqual(byBatch[0].color, byBatch[2].color, "runs differ in colour");
    const byEpoch = chartLines([a], loss, { xAxis: "relative", granularity: "epoch", smoothing: 0.5 });
    assert.deepEqual(byEpoch[0].x, [0.305, 0.605], "seconds since the start");
    assert.deepEqual(byEpoch[0].raw, [1 / 3, 1 / 6]);
    const wall = chartLines([a], loss, { xAxis: "wall", granularity: "batch", smoothing: 0 });
    assert.equal(wall[0].x[0], (T0 + 100) / 1000, "uPlot's time unit: seconds");
  });

  it("smooths per-batch lines only: epoch means and validation points are drawn as they are", () => {
    const run = chartRun("a", runRecords((step) => 1 / step));
    const [loss] = groupMetricNames(metricNames(run.series));
    const [batchLoss, valLoss] = chartLines([run], loss, { xAxis: "step", granularity: "batch", smoothing: 0.9 });
    assert.ok(batchLoss.isSmoothed);
    assert.notEqual(batchLoss.smoothed.at(-1), batchLoss.raw.at(-1), "the per-batch loss is smoothed");
    assert.equal(valLoss.isSmoothed, false);
    assert.deepEqual(valLoss.smoothed, [1 / 3 + 0.1, 1 / 6 + 0.1], "val_loss keeps its real values");
    const [epochLoss] = chartLines([run], loss, { xAxis: "step", granularity: "epoch", smoothing: 0.9 });
    assert.deepEqual(epochLoss.smoothed, [1 / 3, 1 / 6], "epoch means keep their real values");
    assert.equal(chartLines([run], loss, { xAxis: "step", granularity: "batch", smoothing: 0 })[0].isSmoothed, false);
  });

  it("draws a smoothed line over its raw values, faint in the same colour, and pairs them for the tooltip", () => {
    const run = chartRun("a", runRecords((step) => 1 / step));
    const [loss] = groupMetricNames(metricNames(run.series));
    const options = { xAxis: "step", granularity: "batch", smoothing: 0.99, logY: false, clipOutliers: false } as const;
    const { layout, data } = panelChart("loss", chartLines([run], loss, options), options);
    assert.deepEqual(
      layout.series.map(({ label, faint, dashed, rawIndex }) => ({ label, faint, dashed, rawIndex })),
      [
        { label: "a · loss (raw)", faint: true, dashed: undefined, rawIndex: undefined },
        { label: "a · loss", faint: undefined, dashed: false, rawIndex: 0 },
        { label: "a · val_loss", faint: undefined, dashed: true, rawIndex: undefined },
      ],
    );
    assert.equal(layout.series[0].color, layout.series[1].color, "the raw line has its smoothed line's colour");
    assert.equal(data[1].at(-1), 1 / 6, "the raw line ends where the run ended");
    assert.ok(data[2].at(-1)! > 0.3, "the smoothed line lags far behind at 0.99");
    const unsmoothed = panelChart("loss", chartLines([run], loss, { ...options, smoothing: 0 }), { ...options, smoothing: 0 });
    assert.equal(unsmoothed.layout.series.length, 2, "no raw twin when nothing is smoothed");
  });

  it("keeps the exact values a run ended with: its end record's, else each metric's last value", () => {
    const ended = emptyRunSeries();
    appendRecords(ended, runRecords((step) => 1 / step).map((record) => (record.type === "end" ? { ...record, finalMetrics: { loss: 0.0029, val_loss: 0.0008 } } : record)));
    assert.deepEqual(endValues(ended), { loss: 0.0029, val_loss: 0.0008 });
    const cutShort = emptyRunSeries();
    appendRecords(cutShort, runRecords((step) => 1 / step).filter((record) => record.type !== "end"));
    assert.deepEqual(endValues(cutShort), { loss: 1 / 6, acc: 0.6, val_loss: 1 / 6 + 0.1, val_acc: 0.5 });
    assert.equal(metricsText({ val_loss: 0.0008, acc: 0.99871, loss: 0.0029 }), "loss 0.0029 · acc 0.9987 · val_loss 0.0008");
  });

  it("aligns lines with different x on their union, with gaps", () => {
    assert.deepEqual(
      alignLines([
        { x: [1, 2, 3], y: [10, 20, 30] },
        { x: [2, 4], y: [5, null] },
      ]),
      [
        [1, 2, 3, 4],
        [10, 20, 30, null],
        [null, 5, null, null],
      ],
    );
  });

  it("exports the drawn series as CSV, one row per point, quoted where needed", () => {
    const run = chartRun('run "x", 1', runRecords((step) => step));
    const [loss] = groupMetricNames(metricNames(run.series));
    const csv = linesCsv(chartLines([run], loss, { xAxis: "step", granularity: "batch", smoothing: 0 }));
    const rows = csv.trim().split("\n");
    assert.equal(rows[0], "run,metric,step,epoch,elapsed_s,wall_time,value,smoothed");
    assert.equal(rows.length, 1 + 6 + 2);
    assert.equal(rows[1], `"run ""x"", 1",loss,1,1,0.1,${new Date(T0 + 100).toISOString()},1,1`);
    assert.equal(rows[7].split(",").slice(-7, -4).join(","), "val_loss,3,1");
    assert.equal(csvField("plain"), "plain");
  });

  it("gives runs distinct colours, however many", () => {
    const colors = Array.from({ length: 40 }, (_, index) => runColor(index));
    assert.equal(new Set(colors).size, 40);
    assert.match(colors[0], /^var\(--vscode-charts-blue, #[0-9a-f]{6}\)$/);
  });

  it("turns the live display into charts: batches at full strength, epoch means, and val_ dashed", () => {
    const data = displayData({
      batches: { step: [1, 2, 3, 4], epoch: [1, 1, 2, 2], elapsedMs: [10, 20, 30, 40], values: { loss: [1, 0.8, 0.6, 0.5], acc: [0.1, 0.2, 0.3, 0.4] } },
      epochsSeries: { step: [2, 4], epoch: [1, 2], elapsedMs: [21, 41], values: { val_loss: [0.9, 0.7], loss: [0.9, 0.55] } },
    });
    const charts = displayCharts(data);
    assert.deepEqual(charts.map((chart) => chart.title), ["loss", "acc"]);
    const loss = charts[0];
    assert.deepEqual(loss.series.map((series) => series.label), ["loss (batch)", "loss (epoch)", "val_loss"]);
    assert.ok(!loss.series[0].faint, "the per-batch line is the live data, not a faint backdrop");
    assert.ok(loss.series[1].points && loss.series[2].dashed);
    assert.deepEqual(loss.data, [
      [1, 2, 3, 4],
      [1, 0.8, 0.6, 0.5],
      [null, 0.9, null, 0.55],
      [null, 0.9, null, 0.7],
    ]);
    assert.deepEqual(displayCharts(displayData({})), [], "no chart before the first batch");
  });

  it("draws series in colours that stand out from the theme's background, lighter or darker where needed", () => {
    const darkEditor = "#1f1f1f";
    const lightEditor = "#ffffff";
    const contrast = (color: string, background: string) => contrastRatio(parseColor(color)!, parseColor(background)!);
    assert.equal(readableColor("#3794ff", darkEditor), "#3794ff", "the dark theme's blue is fine as it is");
    const navy = "#1a2a6c";
    assert.ok(contrast(navy, darkEditor) < LINE_CONTRAST, "(navy on dark grey is what this is about)");
    const lighter = readableColor(navy, darkEditor);
    assert.ok(contrast(lighter, darkEditor) >= LINE_CONTRAST, `${lighter} stands out`);
    assert.ok(parseColor(lighter)!.b > parseColor(lighter)!.r, `${lighter} is still a blue`);
    const darker = readableColor("#bcbd22", lightEditor);
    assert.ok(contrast(darker, lightEditor) >= LINE_CONTRAST, `${darker} stands out on white`);
    assert.ok(parseColor(darker)!.r < 0xbc, "by being darker");
    assert.deepEqual(parseColor("rgba(55, 148, 255, 0.4)"), { r: 55, g: 148, b: 255 });
    assert.deepEqual(parseColor("#fa0"), { r: 255, g: 170, b: 0 });
    assert.equal(readableColor("hsl(200, 50%, 50%)", darkEditor), "hsl(200, 50%, 50%)", "what it cannot read it leaves alone");
  });

  it("says the status, with an ETA while training", () => {
    const running = displayData({ epochs: 2, stepsPerEpoch: 10, epoch: 1, batch: 5, step: 5, elapsedMs: 1000, samplesPerSec: 400 });
    assert.equal(remainingMs(running), 15 * 200);
    assert.match(statusLine(running), /^Epoch 1\/2 · batch 5\/10 · .*400 samples\/s · ETA 3\.0 s$/);
    const done = displayData({ status: "completed", epochs: 2, stepsPerEpoch: 10, epoch: 2, batch: 10, step: 20, elapsedMs: 4000 });
    assert.equal(remainingMs(done), null);
    assert.match(statusLine(done), /^Completed · Epoch 2\/2/);
    assert.equal(remainingMs(displayData({ epochs: null, step: 3 })), null, "unknown length: no ETA");
  });

  it("shows a notebook folder's runs only, new ones included, and lets runs and folders be ticked", () => {
    const lstm = { id: "/w/lstm/runs/a/metrics.jsonl", folder: "/w/lstm" };
    const mnist1 = { id: "/w/mnist/runs/b/metrics.jsonl", folder: "/w/mnist" };
    const mnist2 = { id: "/w/mnist/runs/c/metrics.jsonl", folder: "/w/mnist" };
    const runs = [lstm, mnist1, mnist2];
    const shown = (selection: RunSelection, list = runs) => list.filter((run) => isRunShown(selection, run)).map((run) => run.id);
    const everything: RunSelection = { hiddenRuns: [lstm.id], shownFolders: null };
    const fromLstm = showOnlyFolder(everything, runs, "/w/lstm");
    assert.deepEqual(shown(fromLstm), [lstm.id], "opened from the LSTM notebook: its run only, even one unticked before");
    const later = { id: "/w/mnist/runs/d/metrics.jsonl", folder: "/w/mnist" };
    assert.deepEqual(shown(fromLstm, [...runs, later]), [lstm.id], "another project's new run stays hidden");
    assert.deepEqual(folderState(fromLstm, runs, "/w/mnist"), "none");
    const oneMnist = setRunShown(fromLstm, runs, mnist1, true);
    assert.deepEqual(shown(oneMnist), [lstm.id, mnist1.id], "ticking a run of a hidden folder shows that run alone");
    assert.equal(folderState(oneMnist, runs, "/w/mnist"), "some");
    const allMnist = setFolderShown(oneMnist, runs, "/w/mnist", true);
    assert.deepEqual(shown(allMnist), [lstm.id, mnist1.id, mnist2.id]);
    assert.equal(folderState(allMnist, runs, "/w/mnist"), "all");
    const noLstm = setFolderShown(everything, runs, "/w/lstm", false);
    assert.deepEqual(shown(noLstm), [mnist1.id, mnist2.id]);
    assert.deepEqual(shown(setRunShown(noLstm, runs, mnist2, false)), [mnist1.id]);
  });

  it("names runs so that two projects' sequential_1 differ: start time, date when not today, folder on the charts", () => {
    const run = (id: string, folderLabel: string, startTime: number | null, runId = id): PanelRun =>
      ({ id, runId, name: "sequential_1", location: "", folder: `/w/${folderLabel}`, folderLabel, notebook: null, status: "completed", startTime, finalMetrics: null, problems: [] });
    const now = T0 + 3_600_000;
    const runs = [run("a", "lstm", T0), run("b", "mnist", T0 + 60_000), run("c", "mnist", T0 + 60_000, "2026-x-c"), run("d", "mnist", T0 - 86_400_000)];
    const names = runNames(runs, () => true, now);
    const time = (at: number) => new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(at);
    assert.equal(names.get("a")!.row, `sequential_1 ${time(T0)}`);
    assert.notEqual(names.get("a")!.row, names.get("b")!.row, "different start times");
    assert.match(names.get("c")!.row, / · 2026-x-c$/, "started in the same second in the same folder: the run folder tells them apart");
    const yesterday = new Intl.DateTimeFormat([], { month: "short", day: "numeric" }).format(T0 - 86_400_000);
    assert.equal(names.get("d")!.row, `sequential_1 ${yesterday} ${time(T0)}`, "yesterday's run says its date");
    assert.match(names.get("a")!.chart, /\(lstm\)$/, "on the charts, runs of several folders say their folder");
    const lstmOnly = runNames(runs, (each) => each.folder === "/w/lstm", now).get("a")!;
    assert.equal(lstmOnly.chart, lstmOnly.row, "charts of one folder's runs need no folder");
  });

  it("keeps bounded metrics in [0, 1], log scale for positive unbounded ones only, and a constant series on a sensible axis", () => {
    for (const name of ["acc", "val_acc", "binaryAccuracy", "categoricalAccuracy", "precision", "recall", "auc", "val_auc"]) assert.ok(isBoundedMetric(name), name);
    for (const name of ["loss", "val_loss", "mse", "meanAbsoluteError", "categoricalCrossentropy"]) assert.equal(isBoundedMetric(name), false, name);
    assert.equal(yScaleFor("acc", true, [[1, 1, null]]), "unit", "no log scale for an accuracy");
    assert.equal(yScaleFor("acc", false, [[50, 97]]), "linear", "an 'acc' in percent is not squeezed into [0, 1]");
    assert.equal(yScaleFor("loss", true, [[0.9, 0.0029]]), "log");
    assert.equal(yScaleFor("loss", true, [[0.9, 0]]), "linear", "a log axis cannot show 0");
    assert.equal(yScaleFor("loss", false, [[0.9, 0.1]]), "linear");
    assert.deepEqual(yRange("unit", 1, 1), [0, 1], "an accuracy at 1.0 sits at the top of [0, 1], not in a 0–2 axis");
    const smoothedOne = emaSmooth(new Array<number>(80).fill(1), 0.6) as number[];
    assert.ok(Math.max(...smoothedOne) > 1, "(the rounding errors this is about)");
    assert.equal(yScaleFor("acc", false, [smoothedOne]), "unit", "a smoothed constant 1 (rounding errors and all) is still in [0, 1]");
    assert.deepEqual(yRange("unit", Math.min(...smoothedOne), Math.max(...smoothedOne)), [0, 1]);
    const [nearLow, nearHigh] = yRange("linear", 2.3, 2.3 + 4e-16);
    assert.ok(nearHigh - nearLow > 0.1, "rounding errors are no span to stretch an axis over");
    assert.deepEqual(yRange("unit", 0.06, 0.97), [0, 1]);
    const [low, high] = yRange("unit", 0.95, 0.97);
    assert.ok(low > 0.9 && low < 0.95 && high > 0.97 && high <= 1, `a tight range inside [0, 1]: ${low}–${high}`);
    const [constantLow, constantHigh] = yRange("linear", 2.3, 2.3);
    assert.ok(constantLow < 2.3 && constantLow > 2 && constantHigh > 2.3 && constantHigh < 2.6, `around a constant: ${constantLow}–${constantHigh}`);
    assert.deepEqual(yRange("linear", 0, 0), [0, 1]);
    assert.deepEqual(yRange("linear", -5, -5), [-5.5, -4.5]);
    assert.ok(yRange("linear", 0.01, 2)[0] === 0, "a loss gets no negative axis");
    assert.deepEqual(yRange("log", 0.0029, 1), [0.001, 1]);
    assert.deepEqual(yRange("log", 0.5, 0.5), [0.1, 1]);
    assert.deepEqual(yRange("linear", null, null), [0, 1], "no data yet");
    // The panel asks for log scale on every chart; the accuracy chart keeps [0, 1].
    const run = chartRun("a", runRecords((step) => 1 / step));
    const options = { xAxis: "step", granularity: "batch", smoothing: 0, logY: true, clipOutliers: true } as const;
    const [loss, acc] = groupMetricNames(metricNames(run.series)).map((group) => panelChart(group.base, chartLines([run], group, options), options));
    assert.equal(loss.layout.yScale, "log");
    assert.equal(acc.layout.yScale, "unit");
    assert.ok(acc.yRange![0] >= 0 && acc.yRange![1] <= 1, `outlier clipping stays in [0, 1]: ${acc.yRange!.join("–")}`);
    const live = displayCharts(displayData({ batches: { step: [1, 2], epoch: [1, 1], elapsedMs: [1, 2], values: { loss: [1, 1], acc: [1, 1] } } }));
    assert.deepEqual(live.map((chart) => chart.yScale), ["linear", "unit"], "the live charts too");
  });

  it("says what solid, faint and dashed lines mean", () => {
    assert.deepEqual(lineStyleLegend({ xAxis: "step", granularity: "batch", smoothing: 0.6 }).map((entry) => entry.text), [
      "solid: training, per batch, smoothed",
      "faint: the raw values under it",
      "dashed: validation, per epoch",
    ]);
    assert.deepEqual(lineStyleLegend({ xAxis: "step", granularity: "epoch", smoothing: 0.6 }).map((entry) => entry.text), ["solid: training, epoch means", "dashed: validation, per epoch"]);
    // The key matches the lines drawn.
    const run = chartRun("a", runRecords((step) => 1 / step));
    const [loss] = groupMetricNames(metricNames(run.series));
    const options = { xAxis: "step", granularity: "batch", smoothing: 0.6, logY: false, clipOutliers: false } as const;
    const styles = panelChart("loss", chartLines([run], loss, options), options).layout.series.map((series) => ({ dashed: Boolean(series.dashed), faint: Boolean(series.faint) }));
    const keyed = lineStyleLegend(options).map(({ style }) => ({ dashed: Boolean(style.dashed), faint: Boolean(style.faint) }));
    assert.deepEqual(styles, [keyed[1], keyed[0], keyed[2]]);
  });

  it("restores the panel's saved state field by field, falling back on bad values", () => {
    const boot = { smoothing: 0.6 };
    assert.deepEqual(restoreState(undefined, boot), { hiddenRuns: [], shownFolders: null, smoothing: 0.6, xAxis: "step", granularity: "batch", logY: false, clipOutliers: false });
    assert.deepEqual(restoreState({ hiddenRuns: ["a", 3], shownFolders: ["/p", null], smoothing: 0.2, xAxis: "wall", granularity: "epoch", logY: true, clipOutliers: true }, boot), {
      hiddenRuns: ["a"],
      shownFolders: ["/p"],
      smoothing: 0.2,
      xAxis: "wall",
      granularity: "epoch",
      logY: true,
      clipOutliers: true,
    });
    assert.deepEqual(restoreState({ smoothing: 7, xAxis: "sideways", logY: "yes" }, boot), restoreState(null, boot));
  });
});

function displayData(overrides: Partial<MetricsDisplayData>): MetricsDisplayData {
  const empty = { step: [], epoch: [], elapsedMs: [], values: {} };
  return {
    schemaVersion: RUN_LOG_SCHEMA_VERSION,
    runId: "r",
    runDir: "/tmp/runs/r",
    name: "m",
    status: "running",
    startTime: T0,
    elapsedMs: 0,
    epochs: 1,
    stepsPerEpoch: 1,
    epoch: 1,
    batch: 0,
    step: 0,
    samplesPerSec: null,
    learningRate: null,
    lastBatch: {},
    lastEpoch: {},
    batches: empty,
    epochsSeries: empty,
    ...overrides,
  };
}
