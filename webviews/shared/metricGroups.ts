// Which metrics share a chart: a training metric and its validation twin (loss with val_loss, acc with
// val_acc), loss first, so every view shows the same charts in the same order.

export interface MetricGroup {
  /** The training metric's name, e.g. "loss"; also the chart's title. */
  base: string;
  /** The names drawn on this chart: the training one first, then val_*, each only when present. */
  names: string[];
}

const VALIDATION_PREFIX = "val_";

export function isValidationMetric(name: string): boolean {
  return name.startsWith(VALIDATION_PREFIX);
}

function metricBase(name: string): string {
  return isValidationMetric(name) ? name.slice(VALIDATION_PREFIX.length) : name;
}

export function groupMetricNames(names: Iterable<string>): MetricGroup[] {
  const groups = new Map<string, Set<string>>();
  for (const name of names) {
    const base = metricBase(name);
    if (!groups.has(base)) groups.set(base, new Set());
    groups.get(base)!.add(name);
  }
  const rank = (base: string): number => (base === "loss" ? 0 : 1);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([base, members]) => ({ base, names: [...members].sort((a, b) => Number(isValidationMetric(a)) - Number(isValidationMetric(b))) }));
}
