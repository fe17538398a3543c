// Predictions shown as a table: HTML in a notebook, plain text where HTML is not shown (a terminal, a diff).
import type { Prediction } from "./classifier";
import { LEFT, escapeHtml } from "./metrics";

/** A MIME bundle for display.bundle. With `actual` (the true label of each text), a column of those labels too. */
export function predictionTable(predictions: Prediction[], actual?: string[]): Record<string, string> {
  const trueLabel = (i: number) => (actual ? `<td${LEFT}>${escapeHtml(actual[i])}</td>` : "");
  const rows = predictions.map(
    (p, i) => `<tr><td${LEFT}>${escapeHtml(p.text)}</td>${trueLabel(i)}<td${LEFT}><b>${escapeHtml(p.label)}</b></td><td>${p.probability.toFixed(3)}</td></tr>`,
  );
  const header = `<th${LEFT}>text</th>${actual ? `<th${LEFT}>true label</th><th${LEFT}>predicted</th>` : `<th${LEFT}>label</th>`}<th>probability</th>`;
  return {
    "text/html": `<table><thead><tr>${header}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
    "text/plain": predictions.map((p, i) => `${actual ? `${actual[i]} → ` : ""}${p.label} (${p.probability.toFixed(3)})  ${p.text}`).join("\n"),
  };
}
