// The CSV of the series a chart shows: one row per point, long format, so that series with different x
// (batches, epochs, several runs) fit one table.
import type { ChartLine } from "./chartLines";

const HEADER = ["run", "metric", "step", "epoch", "elapsed_s", "wall_time", "value", "smoothed"];

export function linesCsv(lines: readonly ChartLine[]): string {
  const rows = [HEADER.join(",")];
  for (const line of lines) {
    const { columns } = line;
    line.raw.forEach((value, index) => {
      rows.push(
        [
          csvField(line.runLabel),
          csvField(line.metric),
          String(columns.step[index]),
          String(columns.epoch[index]),
          String(columns.elapsedMs[index] / 1000),
          new Date(columns.time[index]).toISOString(),
          csvNumber(value),
          csvNumber(line.smoothed[index] ?? null),
        ].join(","),
      );
    });
  }
  return `${rows.join("\n")}\n`;
}

function csvNumber(value: number | null): string {
  return value === null ? "" : String(value);
}

/** Quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
