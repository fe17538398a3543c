// An endpoint's answer for people: each instance's classes from the most likely down, with their probabilities,
// when the endpoint gave labels; the values otherwise.
const SHOWN_CLASSES = 5;

export function formatPredictions(body: unknown): string {
  const { predictions, labels } = (typeof body === "object" && body !== null ? body : {}) as { predictions?: unknown; labels?: unknown };
  if (!Array.isArray(predictions)) return JSON.stringify(body, null, 2);
  const names = Array.isArray(labels) && labels.every((label) => typeof label === "string") ? (labels) : undefined;
  return predictions.map((prediction, index) => `[${index}] ${formatPrediction(prediction, names)}`).join("\n");
}

function formatPrediction(prediction: unknown, labels: string[] | undefined): string {
  const isScores = Array.isArray(prediction) && prediction.every((value) => typeof value === "number");
  if (!isScores || !labels || labels.length !== prediction.length) return JSON.stringify(prediction, (_key, value: unknown) => (typeof value === "number" ? round(value) : value));
  const ranked = (prediction).map((score, k) => ({ label: labels[k], score })).sort((a, b) => b.score - a.score);
  const shown = ranked.slice(0, SHOWN_CLASSES).map(({ label, score }) => `${label} ${score.toFixed(4)}`);
  return `${shown.join(" · ")}${ranked.length > SHOWN_CLASSES ? ` · (${ranked.length - SHOWN_CLASSES} more)` : ""}`;
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
