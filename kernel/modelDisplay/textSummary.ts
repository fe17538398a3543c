// The text/plain view of a model: a table like model.summary(), for plain Jupyter frontends.
import { SUMMARY_HEADERS, type ModelSummary } from "./modelSummary";

const GAP = 2;

export function textSummary(summary: ModelSummary): string {
  if (summary.notBuilt) return `${summary.title}\n${summary.notBuilt}`;
  const headers = SUMMARY_HEADERS.slice(0, summary.showConnections ? 4 : 3);
  // Each row takes one line per connection beyond the first, as Keras prints shared layers.
  const lines = summary.rows.map((row) => {
    const connections = summary.showConnections ? row.connectedTo : [];
    const first = [row.layer, row.outputShape, String(row.params), ...(summary.showConnections ? [connections[0] ?? ""] : [])];
    return [first, ...connections.slice(1).map((connection) => ["", "", "", connection])];
  });
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...lines.flat().map((cells) => cells[column].length)) + GAP,
  );
  const width = widths.reduce((sum, each) => sum + each, 0) - GAP;
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join("").trimEnd();
  const out = [summary.title, "_".repeat(width), format([...headers]), "=".repeat(width)];
  lines.forEach((rowLines, i) => {
    for (const cells of rowLines) out.push(format(cells));
    out.push((i === lines.length - 1 ? "=" : "_").repeat(width));
  });
  for (const total of summary.totals) out.push(`${total.label}: ${total.value}`);
  out.push("_".repeat(width));
  return out.join("\n");
}
