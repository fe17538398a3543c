// The chart controls: smoothing slider, x axis, batches or epoch means, log scale, outlier clipping and
// the CSV export. Each change updates the state and asks for a redraw.
import type { PanelState } from "../../protocol/metricsPanelMessages";

type Selectable = HTMLElement & { value: string };
type Checkable = HTMLElement & { checked: boolean };

export function buildControls(state: PanelState, changed: () => void, exportCsv: () => void): HTMLElement {
  const controls = document.createElement("div");
  controls.className = "tfjs-metrics-controls";

  const smoothingLabel = document.createElement("label");
  smoothingLabel.className = "tfjs-metrics-smoothing";
  const smoothingText = document.createElement("span");
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = "0.99";
  slider.step = "0.01";
  slider.value = String(state.smoothing);
  const showSmoothing = (): void => {
    smoothingText.textContent = `Smoothing ${state.smoothing.toFixed(2)}`;
    // Only per-batch lines are smoothed: epoch means and validation points are few, and shown as they are.
    slider.disabled = state.granularity === "epoch";
    smoothingLabel.title = slider.disabled ? "Smoothing applies to per-batch lines; epoch means are shown as they are" : "Smooths the per-batch lines; their raw values stay visible, faint";
  };
  slider.addEventListener("input", () => {
    state.smoothing = Number(slider.value);
    showSmoothing();
    changed();
  });
  showSmoothing();
  smoothingLabel.append(smoothingText, slider);

  const xAxis = select("x-axis", "X axis", [["step", "Step"], ["relative", "Relative time"], ["wall", "Wall time"]], state.xAxis, (value) => {
    state.xAxis = value as PanelState["xAxis"];
    changed();
  });
  const granularity = select("granularity", "Training values", [["batch", "Every batch"], ["epoch", "Epoch means"]], state.granularity, (value) => {
    state.granularity = value as PanelState["granularity"];
    showSmoothing();
    changed();
  });
  const logY = checkbox("log-y", "Log scale y (loss and other unbounded metrics)", state.logY, (checked) => {
    state.logY = checked;
    changed();
  });
  const clip = checkbox("clip-outliers", "Ignore outliers in y range", state.clipOutliers, (checked) => {
    state.clipOutliers = checked;
    changed();
  });
  const csv = document.createElement("vscode-button");
  csv.id = "export-csv";
  csv.setAttribute("secondary", "");
  csv.setAttribute("icon", "export");
  csv.textContent = "Export CSV";
  csv.title = "Save the series on the charts as CSV";
  csv.addEventListener("click", exportCsv);

  controls.append(smoothingLabel, xAxis, granularity, logY, clip, csv);
  return controls;
}

function select(id: string, label: string, options: [string, string][], value: string, onChange: (value: string) => void): HTMLElement {
  const wrapper = document.createElement("label");
  wrapper.className = "tfjs-metrics-select";
  wrapper.textContent = label;
  const element = document.createElement("vscode-single-select") as Selectable;
  element.id = id;
  for (const [optionValue, text] of options) {
    const option = document.createElement("vscode-option") as HTMLElement & { value: string; selected: boolean };
    option.setAttribute("value", optionValue);
    option.textContent = text;
    if (optionValue === value) option.setAttribute("selected", "");
    element.append(option);
  }
  element.addEventListener("change", () => onChange(element.value));
  wrapper.append(element);
  return wrapper;
}

function checkbox(id: string, label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const element = document.createElement("vscode-checkbox") as Checkable;
  element.id = id;
  element.setAttribute("label", label);
  element.checked = checked;
  element.addEventListener("change", () => onChange(element.checked));
  return element;
}
