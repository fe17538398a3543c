// display(), its typed helpers, and clearOutput(): rich output from cells.
import { randomUUID } from "node:crypto";
import type { MimeBundle } from "../protocol/messages";
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

function show(value: unknown, options: DisplayOptions = {}): DisplayHandle {
  const displayId = options.displayId ?? randomUUID();
  const { data, metadata } = toDisplayBundle(value);
  const msgType = options.update ? "update_display_data" : "display_data";
  kernelIO().publish(msgType, { data, metadata: { ...metadata, ...options.metadata }, transient: { display_id: displayId } });
  // `display.html(...)` as a cell's last line shows the HTML once, not the handle too.
  return { displayId, update: (next) => void show(next, { ...options, displayId, update: true }), [NOT_A_RESULT]: true } as DisplayHandle;
}

function base64(bytes: Uint8Array | string): string {
  return typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

type Bytes = Uint8Array | string;

function raw(mime: string, content: unknown, text: string, options?: DisplayOptions): DisplayHandle {
  return show(new RawBundle({ [mime]: content }, text), options);
}

export const display = Object.assign(show, {
  html: (html: string, options?: DisplayOptions) => raw("text/html", html, "<HTML>", options),
  markdown: (markdown: string, options?: DisplayOptions) => raw("text/markdown", markdown, markdown, options),
  text: (text: string, options?: DisplayOptions) => raw("text/plain", text, text, options),
  svg: (svg: string, options?: DisplayOptions) => raw("image/svg+xml", svg, "<SVG>", options),
  latex: (latex: string, options?: DisplayOptions) => raw("text/latex", latex, latex, options),
  javascript: (code: string, options?: DisplayOptions) => raw("application/javascript", code, "<JavaScript>", options),
  png: (bytes: Bytes, options?: DisplayOptions) => raw("image/png", base64(bytes), "<PNG image>", options),
  jpeg: (bytes: Bytes, options?: DisplayOptions) => raw("image/jpeg", base64(bytes), "<JPEG image>", options),
  gif: (bytes: Bytes, options?: DisplayOptions) => raw("image/gif", base64(bytes), "<GIF image>", options),
  pdf: (bytes: Bytes, options?: DisplayOptions) => raw("application/pdf", base64(bytes), "<PDF>", options),
  json: (value: unknown, options?: DisplayOptions) => raw("application/json", value, JSON.stringify(value, null, 2), options),
  vegaLite: (spec: object, options?: DisplayOptions) => raw("application/vnd.vegalite.v5+json", spec, "<Vega-Lite chart>", options),
  /** Shows a MIME bundle as given. */
  bundle: (bundle: MimeBundle, options?: DisplayOptions) => show(new RawBundle(bundle, String(bundle["text/plain"] ?? "")), options),
});

export function clearOutput(options: { wait?: boolean } = {}): void {
  kernelIO().publish("clear_output", { wait: Boolean(options.wait) });
}
