// The run list, grouped by the notebook folder that wrote the runs: a heading per folder with a checkbox for
// all its runs, then one row per run with a checkbox (shown on the charts or not), its colour, name, status,
// the values a finished run ended with, and a warning when its files had problems. Rebuilt only when the
// runs or the selection change.
import { metricsText } from "../../protocol/metricsFormat";
import type { PanelRun } from "../../protocol/metricsPanelMessages";

const STATUS_ICONS: Record<PanelRun["status"], { icon: string; text: string }> = {
  running: { icon: "sync~spin", text: "training" },
  completed: { icon: "pass", text: "completed" },
  interrupted: { icon: "debug-pause", text: "interrupted" },
  failed: { icon: "error", text: "failed" },
  kernelExited: { icon: "debug-disconnect", text: "stopped: its kernel exited" },
};

export interface RunRow {
  run: PanelRun;
  label: string;
  color: string;
  shown: boolean;
}

export interface RunListActions {
  toggleRun(run: PanelRun, shown: boolean): void;
  toggleFolder(folder: string, shown: boolean): void;
  folderState(folder: string): "all" | "some" | "none";
}

type Checkbox = HTMLElement & { checked: boolean; indeterminate: boolean };

export function renderRunList(container: HTMLElement, rows: readonly RunRow[], actions: RunListActions): void {
  if (rows.length === 0) {
    const empty = document.createElement("p");
    empty.className = "tfjs-metrics-empty";
    empty.textContent = "No runs yet. Training with model.fit in a TF.js Studio notebook writes runs/<run>/metrics.jsonl; the setting tfjsStudio.metrics.runsGlob says where to look.";
    container.replaceChildren(empty);
    return;
  }
  const folders = new Map<string, RunRow[]>();
  for (const row of rows) folders.set(row.run.folder, [...(folders.get(row.run.folder) ?? []), row]);
  const groups = [...folders.values()].sort((a, b) => a[0].run.folderLabel.localeCompare(b[0].run.folderLabel));
  container.replaceChildren(...groups.map((members) => folderGroup(members, actions)));
}

function folderGroup(members: readonly RunRow[], actions: RunListActions): HTMLElement {
  const { folder, folderLabel, notebook } = members[0].run;
  const group = document.createElement("div");
  group.className = "tfjs-metrics-run-group";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", folderLabel);
  group.dataset.folder = folder;
  const heading = document.createElement("div");
  heading.className = "tfjs-metrics-run-group-heading";
  const checkbox = document.createElement("vscode-checkbox") as Checkbox;
  const state = actions.folderState(folder);
  checkbox.checked = state === "all";
  checkbox.indeterminate = state === "some";
  checkbox.title = state === "none" ? "Show every run of this folder" : "Hide every run of this folder";
  checkbox.addEventListener("change", () => actions.toggleFolder(folder, state === "none"));
  const name = document.createElement("span");
  name.className = "tfjs-metrics-run-group-name";
  name.textContent = folderLabel;
  name.title = notebook ? `${folder}\nwritten by ${notebook}` : folder;
  heading.append(checkbox, icon("folder", "notebook folder"), name);
  const list = document.createElement("div");
  list.setAttribute("role", "list");
  list.append(...members.map((row) => runRow(row, actions)));
  group.append(heading, list);
  return group;
}

function runRow({ run, label, color, shown }: RunRow, actions: RunListActions): HTMLElement {
  const row = document.createElement("div");
  row.className = "tfjs-metrics-run-row";
  row.setAttribute("role", "listitem");
  row.dataset.runId = run.id;
  row.dataset.runFolder = run.runId;
  row.dataset.status = run.status;
  row.dataset.shown = String(shown);
  const checkbox = document.createElement("vscode-checkbox") as Checkbox;
  checkbox.checked = shown;
  checkbox.title = shown ? "Shown on the charts" : "Hidden";
  checkbox.addEventListener("change", () => actions.toggleRun(run, checkbox.checked));
  const swatch = document.createElement("span");
  swatch.className = "tfjs-metrics-run-color";
  swatch.style.background = color;
  const name = document.createElement("span");
  name.className = "tfjs-metrics-run-name";
  name.title = `${run.runId}\n${run.location}`;
  const text = document.createElement("span");
  text.className = "tfjs-metrics-run-label";
  text.textContent = label;
  name.append(text);
  if (run.finalMetrics) {
    // Exact, whatever the smoothing: where the run really ended.
    const ended = document.createElement("span");
    ended.className = "tfjs-metrics-run-final";
    ended.textContent = metricsText(run.finalMetrics);
    name.append(ended);
  }
  const status = STATUS_ICONS[run.status];
  const statusIcon = icon(status.icon, status.text);
  statusIcon.classList.add("tfjs-metrics-run-status");
  row.append(checkbox, swatch, name, statusIcon);
  if (run.problems.length > 0) {
    const warning = icon("warning", run.problems.join("\n"));
    warning.classList.add("tfjs-metrics-run-warning");
    row.append(warning);
  }
  return row;
}

function icon(name: string, title: string): HTMLElement {
  const element = document.createElement("span");
  element.className = `codicon codicon-${name}`;
  element.title = title;
  element.setAttribute("aria-label", title);
  return element;
}
