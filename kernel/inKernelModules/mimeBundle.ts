// Turns values into Jupyter MIME bundles: objects that describe themselves through
// Symbol.for("Jupyter.display"), registered formatters (e.g. for tf.LayersModel), then text.
import { inspect } from "node:util";
import type { MimeBundle } from "../../protocol/messages";

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
  try {
    return typeof value === "string" ? inspect(value) : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
  } catch (error) {
    return `[a value that cannot be shown: ${describeThrown(error)}]`;
  }
}

/**
 * Never throws: a value whose display method (or formatter, getter, Proxy trap) throws or returns something that
 * is not a MIME bundle is shown as text, with what went wrong, as IPython does for a failing _repr_*_.
 */
export function toDisplayBundle(value: unknown): DisplayBundle {
  let described: unknown;
  try {
    // A user's display method may return what JSON cannot carry (a BigInt, a cycle, a function): copied through
    // JSON here, so that the reply or display that carries it can always be sent. Our formatters' bundles are JSON.
    const own = selfDescribed(value);
    described = own === undefined ? formatted(value) : jsonCopy(own);
  } catch (error) {
    return textBundle(value, `its display method failed: ${describeThrown(error)}`);
  }
  if (described === undefined) return textBundle(value);
  const bundle = asBundle(described);
  return bundle ? withText(bundle, value) : textBundle(value, "its display method returned no MIME bundle");
}

function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** What was thrown, in one line, without trusting it: its message getter may throw too. */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
    return inspect(thrown, { depth: 1 });
  } catch {
    return "a value that cannot be shown";
  }
}

function textBundle(value: unknown, problem?: string): DisplayBundle {
  return { data: { "text/plain": problem ? `${textPlain(value)}\n(${problem})` : textPlain(value) }, metadata: {} };
}

function selfDescribed(value: unknown): unknown {
  const describe = (value as { [JUPYTER_DISPLAY]?: () => unknown } | null | undefined)?.[JUPYTER_DISPLAY];
  return typeof describe === "function" ? describe.call(value) : undefined;
}

function formatted(value: unknown): DisplayBundle | MimeBundle | undefined {
  for (const formatter of formatters) {
    const result = formatter(value);
    if (result) return result;
  }
  return undefined;
}

/** A bundle `{ mime: content }`, or `{ data, metadata }`; undefined for anything else. */
function asBundle(described: unknown): DisplayBundle | undefined {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(described)) return undefined;
  if (isObject(described.data) && "metadata" in described) return { data: described.data, metadata: isObject(described.metadata) ? described.metadata : {} };
  return { data: described, metadata: {} };
}

function withText(bundle: DisplayBundle, value: unknown): DisplayBundle {
  // Every bundle carries text, so plain frontends and text renderers show something. Only when missing or not
  // text: inspecting a large object (a 500-layer model) takes longer than formatting it.
  const { "text/plain": text, ...rest } = bundle.data;
  return { data: { "text/plain": typeof text === "string" ? text : textPlain(value), ...rest }, metadata: bundle.metadata };
}
