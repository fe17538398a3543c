// The metrics panel page: the run list and chart controls on the left, one chart per metric on the right.
// Runs and their histories come from the extension; the choices made here live in vscode.setState.
import "@vscode-elements/elements/dist/vscode-badge/index.js";
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-checkbox/index.js";
import "@vscode-elements/elements/dist/vscode-option/index.js";
import "@vscode-elements/elements/dist/vscode-single-select/index.js";
import "./metricsPanel.css";
import type { ChartLine, ChartRun } from "../shared/chartLines";
import { linesCsv } from "../shared/csvExport";
import type { FromPanelMessage, PanelBoot, PanelRun, PanelState, ToPanelMessage } from "../../protocol/metricsPanelMessages";
import { chartColor, onThemeChange, readChartTheme } from "../shared/chartTheme";
import { runColor } from "../shared/runColors";
import { appendRecords, emptyRunSeries, type RunSeries } from "../../protocol/runSeries";
import { ChartGrid } from "./chartGrid";
import { buildControls } from "./controls";
import { renderLineLegend } from "./lineLegend";
import { lineStyleLegend } from "./panelChart";
import { restoreState } from "./panelState";
import { renderRunList } from "./runList";
import { runNames, type RunNames } from "./runNames";
import { folderState, isRunShown, setFolderShown, setRunShown, showOnlyFolder, type RunSelection } from "./runSelection";

const vscode = acquireVsCodeApi<PanelState>();
const boot = JSON.parse(document.getElementById("boot")!.textContent ?? "null") as PanelBoot;
const state = restoreState(vscode.getState(), boot);

let runs: PanelRun[] = [];
const series = new Map<string, RunSeries>();

const post = (message: FromPanelMessage): void => vscode.postMessage(message);

const layout = document.createElement("div");
layout.className = "tfjs-metrics-panel";
const sidebar = document.createElement("aside");
sidebar.className = "tfjs-metrics-sidebar";
const heading = document.createElement("h2");
heading.textContent = "Runs ";
const runCount = document.createElement("vscode-badge");
runCount.className = "tfjs-metrics-run-count";
heading.append(runCount);
const problems = document.createElement("div");
problems.className = "tfjs-metrics-problems";
problems.hidden = true;
const runList = document.createElement("div");
runList.className = "tfjs-metrics-run-list";
const main = document.createElement("main");
main.className = "tfjs-metrics-main";
const lineLegend = document.createElement("div");
lineLegend.className = "tfjs-metrics-line-legend";
const chartsArea = document.createElement("div");
chartsArea.className = "tfjs-metrics-charts-area";
main.append(lineLegend, chartsArea);
const grid = new ChartGrid(chartsArea, (title, dataUrl, lines) => post({ type: "exportPng", fileName: `${title}.png`, dataUrl, title, runIds: runIdsOf(lines) }));
sidebar.append(heading, problems, runList, buildControls(state, () => changed(), exportCsv));
layout.append(sidebar, main);
document.body.append(layout);

let names = new Map<string, RunNames>();

function chartRuns(): ChartRun[] {
  return runs.flatMap((run, index) =>
    isRunShown(state, run) ? [{ id: run.id, label: names.get(run.id)!.chart, color: runColor(index), series: series.get(run.id) ?? emptyRunSeries() }] : [],
  );
}

function select(selection: RunSelection): void {
  Object.assign(state, selection);
  showRuns();
  changed();
}

function showRuns(): void {
  names = runNames(runs, (run) => isRunShown(state, run));
  // The swatches in the colours the charts draw with (lighter or darker than the theme's where they must be).
  const theme = readChartTheme();
  renderRunList(
    runList,
    runs.map((run, index) => ({ run, label: names.get(run.id)!.row, color: chartColor(runColor(index), theme), shown: isRunShown(state, run) })),
    {
      toggleRun: (run, shown) => select(setRunShown(state, runs, run, shown)),
      toggleFolder: (folder, shown) => select(setFolderShown(state, runs, folder, shown)),
      folderState: (folder) => folderState(state, runs, folder),
    },
  );
  runCount.textContent = String(runs.length);
  const withProblems = runs.filter((run) => run.problems.length > 0);
  problems.hidden = withProblems.length === 0;
  problems.textContent = `⚠ ${withProblems.length} run${withProblems.length === 1 ? " has" : "s have"} problems in its files (hover the run's warning; details in the "TF.js Studio" output).`;
}

// Redraws at most once a frame, however many messages and clicks arrive.
let drawPending = false;
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    grid.draw(chartRuns(), state);
    renderLineLegend(lineLegend, lineStyleLegend(state));
  });
}

function changed(): void {
  vscode.setState(state);
  scheduleDraw();
}

function exportCsv(): void {
  const lines = grid.lines();
  if (lines.length === 0) return;
  post({ type: "exportCsv", fileName: "metrics.csv", csv: linesCsv(lines), runIds: runIdsOf(lines) });
}

function runIdsOf(lines: readonly ChartLine[]): string[] {
  return [...new Set(lines.map((line) => line.runId))];
}

window.addEventListener("message", (event: MessageEvent<ToPanelMessage>) => {
  const message = event.data;
  switch (message.type) {
    case "runs":
      runs = message.runs;
      for (const id of series.keys()) if (!runs.some((run) => run.id === id)) series.delete(id);
      showRuns();
      break;
    case "series":
      series.set(message.id, message.series);
      break;
    case "records": {
      let run = series.get(message.id);
      if (!run) series.set(message.id, (run = emptyRunSeries()));
      appendRecords(run, message.records);
      break;
    }
    case "showOnlyFolder":
      select(showOnlyFolder(state, runs, message.folder));
      break;
  }
  scheduleDraw();
});

vscode.setState(state);
showRuns();
onThemeChange(showRuns);
post({ type: "ready" });
