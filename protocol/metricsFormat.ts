// The text and HTML forms of the live metrics, for frontends that do not render our MIME type.
import { escapeHtml } from "./escapeHtml";
import { METRICS_MIME_TYPE, type MetricValues, type MetricsDisplayData } from "./runLogSchema";

const STATUS_PREFIX: Record<MetricsDisplayData["status"], string> = {
  running: "",
  completed: "Completed · ",
  interrupted: "Interrupted · ",
  failed: "Failed · ",
};

/** e.g. `Epoch 3/10 · batch 120/469 · loss 0.2345 · acc 0.9312 · val_loss 0.3012 · 4,210 samples/s` */
export function progressLine(data: MetricsDisplayData): string {
  const parts = [`Epoch ${data.epoch}${data.epochs === null ? "" : `/${data.epochs}`}`];
  if (data.status === "running") parts.push(`batch ${data.batch}${data.stepsPerEpoch === null ? "" : `/${data.stepsPerEpoch}`}`);
  const metrics = metricsText(shownMetrics(data));
  if (metrics) parts.push(metrics);
  if (data.samplesPerSec !== null) parts.push(`${thousands(Math.round(data.samplesPerSec))} samples/s`);
  if (data.status !== "running") parts.push(formatDuration(data.elapsedMs));
  const line = STATUS_PREFIX[data.status] + parts.join(" · ");
  return data.error ? `${line}\n${data.error}` : line;
}

/** e.g. `loss 0.0029 · acc 0.9987 · val_loss 0.0008`: every metric, in reading order. */
export function metricsText(metrics: MetricValues): string {
  return Object.entries(inReadingOrder(metrics))
    .map(([name, value]) => `${name} ${formatValue(value)}`)
    .join(" · ");
}

/** The live display's MIME bundle: our chart type, and text and HTML for frontends without our renderer. */
export function metricsBundle(data: MetricsDisplayData): Record<string, unknown> {
  const line = progressLine(data);
  return { [METRICS_MIME_TYPE]: data, "text/plain": line, "text/html": progressHtml(data, line) };
}

export function progressHtml(data: MetricsDisplayData, line = progressLine(data)): string {
  const names = [...new Set([...Object.keys(data.lastBatch), ...Object.keys(data.lastEpoch)])];
  const rows = names
    .map((name) => `<tr><td>${escapeHtml(name)}</td><td>${cell(data.lastBatch[name])}</td><td>${cell(data.lastEpoch[name])}</td></tr>`)
    .join("");
  return (
    `<div class="tfjs-studio-metrics"><div>${escapeHtml(line)}</div>` +
    `<table><thead><tr><th>metric</th><th>last batch</th><th>last epoch</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<div style="opacity:0.7">run ${escapeHtml(data.runId)}</div></div>`
  );
}

/** While training: the batch metrics and the last validation; at the end: the last epoch's, when there is one. */
function shownMetrics(data: MetricsDisplayData): MetricValues {
  const validation = Object.fromEntries(Object.entries(data.lastEpoch).filter(([name]) => name.startsWith("val_")));
  const useEpoch = data.status !== "running" && Object.keys(data.lastEpoch).length > 0;
  return inReadingOrder(useEpoch ? data.lastEpoch : { ...data.lastBatch, ...validation });
}

/** loss, the other training metrics, then val_loss and the other validation metrics (tfjs puts val_* first in epoch logs). */
function inReadingOrder(metrics: MetricValues): MetricValues {
  const rank = (name: string) => (name.startsWith("val_") ? 2 : 0) + (name === "loss" || name === "val_loss" ? 0 : 1);
  return Object.fromEntries(Object.entries(metrics).sort(([a], [b]) => rank(a) - rank(b)));
}

export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return value === undefined ? "" : "NaN";
  if (value !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** 4210 → "4,210". (toLocaleString builds a number format on every call: a quarter millisecond, 10 times a second.) */
function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function cell(value: number | null | undefined): string {
  return escapeHtml(formatValue(value));
}

