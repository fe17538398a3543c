// Jupyter MIME bundles, streams and errors as notebook output items (MIME type + bytes), the way VS Code's own
// NotebookCellOutputItem.stdout/stderr/error/json encode them, so the built-in renderers and the ipynb serializer
// read them. No vscode import.

export interface OutputItemSpec {
  mime: string;
  data: Uint8Array;
}

export const STDOUT_MIME = "application/vnd.code.notebook.stdout";
export const STDERR_MIME = "application/vnd.code.notebook.stderr";
export const ERROR_MIME = "application/vnd.code.notebook.error";

const encoder = new TextEncoder();

export function streamItem(name: "stdout" | "stderr", text: string): OutputItemSpec {
  return { mime: name === "stderr" ? STDERR_MIME : STDOUT_MIME, data: encoder.encode(text) };
}

/**
 * The editor's error renderer shows only `stack` (ANSI colours kept) when there is one, so the traceback goes
 * there, headed by "name: message" unless its first line already says the message: the renderer turns
 * IPython-style "Cell In[n], line m" lines into links and drops what follows them on the line.
 */
export function errorItem(error: { ename: string; evalue: string; traceback: string[] }): OutputItemSpec {
  const name = error.ename;
  const message = error.evalue;
  const traceback = error.traceback.join("\n");
  const firstLine = stripAnsi(traceback.split("\n")[0]);
  const header = `${RED}${name}${RESET}: ${message}`;
  const stack = traceback === "" ? header : firstLine.includes(message) ? traceback : `${header}\n${traceback}`;
  return { mime: ERROR_MIME, data: encoder.encode(JSON.stringify({ name, message, stack })) };
}

export const RED = "\x1b[31m";
export const RESET = "\x1b[0m";
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** One item per MIME type: JSON types as JSON, binary images decoded from base64, text as UTF-8. */
export function mimeBundleItems(data: unknown): OutputItemSpec[] {
  if (typeof data !== "object" || data === null) return [];
  return Object.entries(data as Record<string, unknown>).map(([mime, value]) => ({ mime, data: itemBytes(mime, value) }));
}

function itemBytes(mime: string, value: unknown): Uint8Array {
  if (isJsonMime(mime)) return encoder.encode(JSON.stringify(value));
  // nbformat allows multiline strings as arrays of lines.
  const text = Array.isArray(value) && value.every((line) => typeof line === "string") ? value.join("") : value;
  if (typeof text !== "string") return encoder.encode(JSON.stringify(text));
  if (isBase64Mime(mime)) return new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "base64"));
  return encoder.encode(text);
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/** Jupyter sends binary data base64-encoded; SVG is text. */
function isBase64Mime(mime: string): boolean {
  return (mime.startsWith("image/") && mime !== "image/svg+xml") || mime === "application/pdf";
}
