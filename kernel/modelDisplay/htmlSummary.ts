// The text/html view of a model: a summary table. Its few styles are scoped to the output's own
// class (as pandas does), use the theme's colours, and the table still reads well without them.
import { SUMMARY_HEADERS, type ModelSummary } from "./modelSummary";
import { escapeHtml } from "../../protocol/escapeHtml";

const STYLE = `<style>
.tfjs-studio-model table{border-collapse:collapse;font-size:0.9em;margin:0.25em 0}
.tfjs-studio-model th,.tfjs-studio-model td{padding:0.15em 0.9em;border-bottom:1px solid rgba(128,128,128,0.35);text-align:left;vertical-align:top}
.tfjs-studio-model .number{text-align:right;font-variant-numeric:tabular-nums}
.tfjs-studio-model .shape{font-family:var(--jp-code-font-family,monospace)}
.tfjs-studio-model .frozen{opacity:0.6}
.tfjs-studio-model-title{font-weight:bold}
</style>`;


export function htmlSummary(summary: ModelSummary): string {
  const title = `<div class="tfjs-studio-model-title">${escapeHtml(summary.title)}</div>`;
  if (summary.notBuilt) {
    return `<div class="tfjs-studio-model">${STYLE}${title}<div class="tfjs-studio-model-not-built">${escapeHtml(summary.notBuilt)}</div></div>`;
  }
  const headers = SUMMARY_HEADERS.slice(0, summary.showConnections ? 4 : 3);
  const head = headers.map((header, i) => `<th${i === 2 ? ` class="number"` : ""}>${escapeHtml(header)}</th>`).join("");
  const rows = summary.rows.map((row) => {
    const cells = [
      `<td>${escapeHtml(row.layer)}</td>`,
      `<td class="shape">${escapeHtml(row.outputShape)}</td>`,
      `<td class="number">${row.params}</td>`,
    ];
    if (summary.showConnections) cells.push(`<td class="shape">${row.connectedTo.map(escapeHtml).join("<br>")}</td>`);
    // Frozen layers are dimmed, so what training will change stands out.
    return `<tr${row.frozen ? ` class="frozen" title="not trainable"` : ""}>${cells.join("")}</tr>`;
  });
  const totals = summary.totals.map((total) => `<div>${escapeHtml(total.label)}: ${total.value}</div>`).join("");
  return (
    `<div class="tfjs-studio-model">${STYLE}${title}` +
    `<table class="tfjs-studio-model-summary"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>` +
    `<div class="tfjs-studio-model-totals">${totals}</div></div>`
  );
}
