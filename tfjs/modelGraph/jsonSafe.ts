// Reduces a value (a layer config) to plain JSON, so a custom layer's config can never break the
// display: functions, non-finite numbers, bigints and cycles become descriptive strings.
import type { JsonValue } from "../../protocol/modelGraphSchema";

const MAX_DEPTH = 20;
const MAX_ITEMS = 1000;

export function jsonSafe(value: unknown, seen: Set<object> = new Set(), depth = 0): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "function":
      return `[function ${value.name || "anonymous"}]`;
    case "symbol":
      return value.toString();
    case "undefined":
      return null;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(object);
  try {
    if (Array.isArray(object) || ArrayBuffer.isView(object)) {
      const items = Array.from(object as ArrayLike<unknown>);
      const kept = items.slice(0, MAX_ITEMS).map((item) => jsonSafe(item, seen, depth + 1));
      if (items.length > MAX_ITEMS) kept.push(`[${items.length - MAX_ITEMS} more]`);
      return kept;
    }
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(object)) {
      if (item !== undefined) result[key] = jsonSafe(item, seen, depth + 1);
    }
    return result;
  } finally {
    seen.delete(object);
  }
}
