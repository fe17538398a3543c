// Turns values into Jupyter MIME bundles: objects that describe themselves through
// Symbol.for("Jupyter.display"), registered formatters (e.g. for tf.LayersModel), then text.
import { inspect } from "node:util";
import type { MimeBundle } from "../protocol/messages";

export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");
/** Marks values, like display handles, that a cell's last expression returns but should not show. */
export const NOT_A_RESULT = Symbol.for("tfjs-studio.notAResult");

export interface DisplayBundle {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export type DisplayFormatter = (value: unknown) => DisplayBundle | MimeBundle | undefined;

const formatters: DisplayFormatter[] = [];

/** Formatters registered later win, so a specific one can refine a general one. */
export function registerDisplayFormatter(formatter: DisplayFormatter): () => void {
  formatters.unshift(formatter);
  return () => formatters.splice(formatters.indexOf(formatter), 1);
}

export function textPlain(value: unknown): string {
  return typeof value === "string" ? inspect(value) : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
}

export function toDisplayBundle(value: unknown): DisplayBundle {
  const described = selfDescribed(value) ?? formatted(value);
  if (described) return normalise(described, value);
  return { data: { "text/plain": textPlain(value) }, metadata: {} };
}

function selfDescribed(value: unknown): DisplayBundle | MimeBundle | undefined {
  const describe = (value as { [JUPYTER_DISPLAY]?: () => unknown } | null | undefined)?.[JUPYTER_DISPLAY];
  return typeof describe === "function" ? (describe.call(value) as MimeBundle) : undefined;
}

function formatted(value: unknown): DisplayBundle | MimeBundle | undefined {
  for (const formatter of formatters) {
    const result = formatter(value);
    if (result) return result;
  }
  return undefined;
}

function normalise(bundle: DisplayBundle | MimeBundle, value: unknown): DisplayBundle {
  const isFull = "data" in bundle && typeof bundle.data === "object" && bundle.data !== null && "metadata" in bundle;
  const { data, metadata } = isFull ? (bundle as DisplayBundle) : { data: bundle as MimeBundle, metadata: {} };
  // Every bundle carries text, so plain frontends and text renderers show something.
  // Only when missing: inspecting a large object (a 500-layer model) takes longer than formatting it.
  return { data: { "text/plain": data["text/plain"] ?? textPlain(value), ...data }, metadata };
}
