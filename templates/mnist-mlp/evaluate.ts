// Test-set evaluation for the MNIST templates: accuracy, a confusion matrix as an HTML heat map,
// and the misclassified images.
import * as tf from "@tensorflow/tfjs";

export interface Evaluation {
  accuracy: number;
  /** confusion[actual][predicted]: how many test images of class `actual` were predicted as `predicted`. */
  confusion: number[][];
  /** Test images the model got wrong, in test-set order. */
  misclassified: { index: number; actual: number; predicted: number }[];
}

/** Predicts every batch of `batches` (in order) and compares with the one-hot labels. */
export async function evaluateClassifier(
  model: tf.LayersModel,
  batches: tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>,
  numClasses: number,
): Promise<Evaluation> {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const misclassified: Evaluation["misclassified"] = [];
  let index = 0;
  let correct = 0;
  const iterator = await batches.iterator();
  for (let batch = await iterator.next(); !batch.done; batch = await iterator.next()) {
    const { xs, ys } = batch.value;
    const classes = tf.tidy(() => [(model.predict(xs) as tf.Tensor).argMax(-1), ys.argMax(-1)]);
    // Read asynchronously: a GPU backend (WebGPU) cannot read synchronously in Node.
    const [predicted, actual] = await Promise.all(classes.map((tensor) => tensor.data()));
    tf.dispose([xs, ys, ...classes]);
    for (let i = 0; i < actual.length; i++, index++) {
      confusion[actual[i]][predicted[i]]++;
      if (actual[i] === predicted[i]) correct++;
      else misclassified.push({ index, actual: actual[i], predicted: predicted[i] });
    }
  }
  return { accuracy: index === 0 ? 0 : correct / index, confusion, misclassified };
}

/** The confusion matrix as an HTML table whose cells are shaded by their share of the row. */
export function confusionMatrixHtml(confusion: number[][], labelNames: string[]): string {
  const cell = "padding: 2px 6px; text-align: right; border: 1px solid #ddd";
  // Each row starts with its class name, left-aligned as text reads; the counts, and the names above them, stay right.
  const rowHeader = `${cell}; text-align: left`;
  const header = labelNames.map((name) => `<th style="${cell}">${escapeHtml(name)}</th>`).join("");
  const rows = confusion.map((row, actual) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((count, predicted) => {
      const share = count / total;
      // Correct predictions in blue, mistakes in red; the darker, the larger the share.
      const hue = actual === predicted ? "33, 113, 181" : "203, 24, 29";
      const text = share > 0.6 ? "color: white;" : "";
      return `<td style="${cell}; background: rgba(${hue}, ${share.toFixed(3)}); ${text}" title="${(100 * share).toFixed(1)}% of ${escapeHtml(labelNames[actual])}">${count}</td>`;
    });
    return `<tr><th style="${rowHeader}">${escapeHtml(labelNames[actual])}</th>${cells.join("")}</tr>`;
  });
  return (
    `<table style="border-collapse: collapse; font-size: 12px">` +
    `<caption style="caption-side: top">rows: actual class, columns: predicted class</caption>` +
    `<tr><th></th>${header}</tr>${rows.join("")}</table>`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
