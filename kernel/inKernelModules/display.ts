// display(), its typed helpers, and clearOutput(): rich output from cells.
import { randomUUID } from "node:crypto";
import type { MimeBundle } from "../../protocol/messages";
import { kernelIO } from "./kernelIO";
import { JUPYTER_DISPLAY, NOT_A_RESULT, toDisplayBundle } from "./mimeBundle";

export interface DisplayOptions {
  /** Show under this id, so that later updates replace it. */
  displayId?: string;
  /** Replace the output already shown under displayId instead of adding one. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

export interface DisplayHandle {
  readonly displayId: string;
  update(value: unknown): void;
}

/** A MIME bundle given as is, for the typed helpers. */
class RawBundle {
  constructor(private readonly bundle: MimeBundle, private readonly text: string) {}
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.text, ...this.bundle };
  }
}

/** `kind` re-renders what an update is given, for handles that keep their kind (see typed()). */
function show(value: unknown, options: DisplayOptions = {}, kind: (next: unknown) => unknown = (next) => next): DisplayHandle {
  const displayId = options.displayId ?? randomUUID();
  const { data, metadata } = toDisplayBundle(value);
  const msgType = options.update ? "update_display_data" : "display_data";
  kernelIO().publish(msgType, { data, metadata: { ...metadata, ...options.metadata }, transient: { display_id: displayId } });
  // `display.html(...)` as a cell's last line shows the HTML once, not the handle too.
  const update = (next: unknown) => void show(kind(next), { ...options, displayId, update: true }, kind);
  return { displayId, update, [NOT_A_RESULT]: true } as DisplayHandle;
}

function base64(bytes: Uint8Array | string): string {
  return typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

type Bytes = Uint8Array | string;

const isString = (value: unknown): value is string => typeof value === "string";
const isBytes = (value: unknown): value is Bytes => typeof value === "string" || value instanceof Uint8Array;
const isAnything = (_value: unknown): _value is unknown => true;
const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;

/**
 * A helper for one MIME type. Its handle keeps the kind: `display.markdown("…").update("**done**")` shows
 * Markdown again. An update with a value the helper does not take (say, a model) is shown as display() shows it.
 */
function typed<T>(accepts: (value: unknown) => value is T, mime: string, content: (value: T) => unknown, text: (value: T) => string) {
  const render = (value: T) => new RawBundle({ [mime]: content(value) }, String(text(value)));
  return (value: T, options?: DisplayOptions): DisplayHandle => show(render(value), options, (next) => (accepts(next) ? render(next) : next));
}

const same = <T>(value: T) => value;
const label = (text: string) => () => text;

export const display = Object.assign(show, {
  html: typed(isString, "text/html", same, label("<HTML>")),
  markdown: typed(isString, "text/markdown", same, same),
  text: typed(isString, "text/plain", same, same),
  svg: typed(isString, "image/svg+xml", same, label("<SVG>")),
  latex: typed(isString, "text/latex", same, same),
  javascript: typed(isString, "application/javascript", same, label("<JavaScript>")),
  png: typed(isBytes, "image/png", base64, label("<PNG image>")),
  jpeg: typed(isBytes, "image/jpeg", base64, label("<JPEG image>")),
  gif: typed(isBytes, "image/gif", base64, label("<GIF image>")),
  pdf: typed(isBytes, "application/pdf", base64, label("<PDF>")),
  json: typed(isAnything, "application/json", same, (value) => JSON.stringify(value, null, 2)),
  vegaLite: typed(isObject, "application/vnd.vegalite.v5+json", same, label("<Vega-Lite chart>")),
  /** Shows a MIME bundle as given. */
  bundle: (bundle: MimeBundle, options?: DisplayOptions) => show(new RawBundle(bundle, typeof bundle["text/plain"] === "string" ? bundle["text/plain"] : ""), options),
});

export function clearOutput(options: { wait?: boolean } = {}): void {
  kernelIO().publish("clear_output", { wait: Boolean(options.wait) });
}
