// The run list: one row per run with a checkbox (shown on the charts or not), its colour, name, status, the
// values a finished run ended with, and a warning when its files had problems. Rows are rebuilt only when the runs or the selection change.
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

export function renderRunList(container: HTMLElement, rows: readonly RunRow[], toggle: (id: string, shown: boolean) => void): void {
  if (rows.length === 0) {
    const empty = document.createElement("p");
    empty.className = "tfjs-metrics-empty";
    empty.textContent = "No runs yet. Training with model.fit in a TF.js Studio notebook writes runs/<run>/metrics.jsonl; the setting tfjsStudio.metrics.runsGlob says where to look.";
    container.replaceChildren(empty);
    return;
  }
  container.replaceChildren(
    ...rows.map(({ run, label, color, shown }) => {
      const row = document.createElement("div");
      row.className = "tfjs-metrics-run-row";
      row.dataset.runId = run.id;
      row.dataset.runFolder = run.runId;
      row.dataset.status = run.status;
      const checkbox = document.createElement("vscode-checkbox") as HTMLElement & { checked: boolean };
      checkbox.checked = shown;
      checkbox.title = shown ? "Shown on the charts" : "Hidden";
      checkbox.addEventListener("change", () => toggle(run.id, checkbox.checked));
      const swatch = document.createElement("span");
      swatch.className = "tfjs-metrics-run-color";
      swatch.style.background = color;
      const name = document.createElement("span");
      name.className = "tfjs-metrics-run-name";
      name.title = `${run.runId}\n${run.location}`;
      const folder = document.createElement("span");
      folder.className = "tfjs-metrics-run-folder";
      // The run folder's name tells apart runs of one model started in the same second.
      folder.textContent = run.runId;
      name.append(label, folder);
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
    }),
  );
}

function icon(name: string, title: string): HTMLElement {
  const element = document.createElement("span");
  element.className = `codicon codicon-${name}`;
  element.title = title;
  element.setAttribute("aria-label", title);
  return element;
}
