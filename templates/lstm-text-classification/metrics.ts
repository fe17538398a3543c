// Evaluation of a classifier from true and predicted class indices: accuracy, per-class precision, recall and F1,
// and the confusion matrix, as numbers, an HTML table and plain text.

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** How many examples truly belong to the class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  classes: ClassMetrics[];
  /** confusion[trueClass][predictedClass] = count. */
  confusion: number[][];
}

export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, labels: string[]): ClassificationReport {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} true labels but ${predicted.length} predictions`);
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][predicted[i]]++;
    if (truth[i] === predicted[i]) correct++;
  }
  const classes = labels.map((label, k) => {
    const truePositives = confusion[k][k];
    const support = confusion[k].reduce((sum, count) => sum + count, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + row[k], 0);
    // A class never predicted (or never present) gets 0 rather than NaN, as scikit-learn's zero_division=0.
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  return { accuracy: truth.length === 0 ? 0 : correct / truth.length, classes, confusion };
}

export function reportText(report: ClassificationReport): string {
  const width = Math.max(8, ...report.classes.map((c) => c.label.length));
  const lines = [`accuracy: ${fixed(report.accuracy)}`, "", `${"class".padEnd(width)}  precision  recall     f1  support`];
  for (const c of report.classes) {
    lines.push(`${c.label.padEnd(width)}  ${fixed(c.precision).padStart(9)}  ${fixed(c.recall).padStart(6)}  ${fixed(c.f1).padStart(5)}  ${String(c.support).padStart(7)}`);
  }
  lines.push("", `confusion matrix (rows: true class, columns: predicted)`);
  lines.push(["".padEnd(width), ...report.classes.map((c) => c.label.padStart(Math.max(6, c.label.length)))].join("  "));
  report.confusion.forEach((row, k) => {
    lines.push([report.classes[k].label.padEnd(width), ...row.map((n, j) => String(n).padStart(Math.max(6, report.classes[j].label.length)))].join("  "));
  });
  return lines.join("\n");
}

export function reportHtml(report: ClassificationReport): string {
  const metricRows = report.classes
    .map((c) => `<tr><th${LEFT}>${escapeHtml(c.label)}</th><td>${fixed(c.precision)}</td><td>${fixed(c.recall)}</td><td>${fixed(c.f1)}</td><td>${c.support}</td></tr>`)
    .join("");
  const max = Math.max(1, ...report.confusion.flat());
  const confusionRows = report.confusion
    .map((row, k) => {
      // Shading by count makes the diagonal (correct answers) stand out.
      const cells = row.map((n) => `<td style="background: rgba(66, 133, 244, ${(n / max).toFixed(2)})">${n}</td>`).join("");
      return `<tr><th${LEFT}>${escapeHtml(report.classes[k].label)}</th>${cells}</tr>`;
    })
    .join("");
  const predictedHeader = report.classes.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("");
  return [
    `<p><b>accuracy: ${fixed(report.accuracy)}</b></p>`,
    `<table><thead><tr><th${LEFT}>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>${metricRows}</tbody></table>`,
    `<p>confusion matrix (rows: true class, columns: predicted)</p>`,
    `<table><thead><tr><th></th>${predictedHeader}</tr></thead><tbody>${confusionRows}</tbody></table>`,
  ].join("\n");
}

function fixed(value: number): string {
  return value.toFixed(3);
}

// VS Code right-aligns table cells, as Jupyter does: names and texts read better left-aligned, numbers stay right.
export const LEFT = ' style="text-align: left"';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
