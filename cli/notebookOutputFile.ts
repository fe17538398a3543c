// Saves the notebook `tfjs-studio run` executed, without losing its outputs: the destination is checked before
// any cell runs, and a save that still fails leaves a copy in the temporary folder.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JsonObject } from "../protocol/messages";
import { createDirectory, notRegularFile, statIfExists, whyFailed, writeRegularFile } from "../common/safeFileSystem";
import { Notebook, Output } from "./notebookFile";

/**
 * Creates the file's folder when missing, as nbconvert does, and checks that the file can be written; throws naming
 * it otherwise. The folder is made one level at a time: Node's recursive mkdir never returns under /proc.
 */
export function prepareOutputFile(file: string): void {
  try {
    createDirectory(path.dirname(file));
    openForWriting(file);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${whyFailed(error)}`, { cause: error });
  }
}

/**
 * Opens the file for writing without changing it, removing it again when it is made only for this. Unlike
 * fs.access, opening also fails on a folder, and for root on a read-only file system. Only a regular file will do:
 * writing to a named pipe waits for a reader, so the save after the run would never end.
 */
function openForWriting(file: string): void {
  const stats = statIfExists(file);
  const notFile = stats && notRegularFile(stats);
  if (notFile) throw new Error(notFile);
  fs.closeSync(fs.openSync(file, stats ? "r+" : "wx"));
  if (!stats) fs.rmSync(file);
}

/** Writes the notebook to `file`; when that fails, throws an Error saying why and where a copy was saved instead. */
export function saveNotebook(file: string, notebook: Notebook): void {
  const text = notebookText(notebook);
  try {
    writeRegularFile(file, text);
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${saveCopy(path.basename(file), text)}`, { cause: error });
  }
}

function saveCopy(name: string, text: string): string {
  try {
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-run-")), name);
    fs.writeFileSync(copy, text);
    return `the executed notebook is saved in ${copy} instead`;
  } catch (error) {
    return `nor could a copy be saved in ${os.tmpdir()}: ${(error as Error).message}`;
  }
}

/** The notebook as nbformat writes it: sorted keys, 1-space indent, multi-line text as lists of lines. */
function notebookText(notebook: Notebook): string {
  for (const cell of notebook.cells) {
    for (const output of cell.cell_type === "code" ? (cell.outputs ?? []) : []) splitOutputLines(output);
  }
  return JSON.stringify(sortKeys(notebook), null, 1) + "\n";
}

/** The mime types nbformat stores as lists of lines besides text/*. */
const SPLIT_MIME_TYPES = new Set(["application/javascript", "image/svg+xml"]);

function splitOutputLines(output: Output): void {
  if (output.output_type === "stream" && typeof output.text === "string") output.text = splitLines(output.text);
  if (output.output_type !== "display_data" && output.output_type !== "execute_result") return;
  const data = (output.data ?? {}) as JsonObject;
  for (const [mimeType, value] of Object.entries(data)) {
    if (typeof value === "string" && (mimeType.startsWith("text/") || SPLIT_MIME_TYPES.has(mimeType))) data[mimeType] = splitLines(value);
  }
}

function splitLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const object = value as JsonObject;
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, sortKeys(object[key])]));
}
