// Reads the notebook `tfjs-studio run` executes, checking the structure it relies on first: a malformed cell found
// only while running, or when saving, would fail part-way and lose the outputs so far.
import * as fs from "node:fs";
import { JsonObject } from "../protocol/messages";

export type Output = JsonObject;

export interface Cell extends JsonObject {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook extends JsonObject {
  nbformat: number;
  cells: Cell[];
}

/** The notebook in `file`; throws an Error naming the file and what is wrong, and which cell where one is. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read notebook ${file}: ${(error as Error).message}`, { cause: error });
  }
  let notebook: unknown;
  try {
    notebook = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const problem = notebookProblem(notebook);
  if (problem) throw new Error(`${file}: ${problem}`);
  return notebook as Notebook;
}

function notebookProblem(notebook: unknown): string | undefined {
  if (!isObject(notebook) || notebook.nbformat !== 4) return "not an nbformat 4 notebook";
  if (!Array.isArray(notebook.cells)) return '"cells" is not an array';
  for (const [index, cell] of notebook.cells.entries()) {
    // Counted from 0, as the progress lines of `run` count cells.
    const problem = cellProblem(cell);
    if (problem) return `cell ${index} (counting from 0) ${problem}`;
  }
  return undefined;
}

/** What in a cell would stop `run` from executing it or saving its outputs. */
function cellProblem(cell: unknown): string | undefined {
  if (!isObject(cell)) return `is ${kindOf(cell)}, not a cell object`;
  if (cell.cell_type === undefined) return "has no cell_type";
  if (typeof cell.cell_type !== "string") return `has a cell_type that is ${kindOf(cell.cell_type)}, not a string`;
  if (cell.cell_type !== "code") return undefined;
  const source = cell.source;
  if (typeof source !== "string" && !(Array.isArray(source) && source.every((line) => typeof line === "string"))) {
    return "has a source that is neither a string nor an array of strings";
  }
  if (cell.outputs !== undefined && !(Array.isArray(cell.outputs) && cell.outputs.every(isObject))) return "has outputs that are not an array of objects";
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
