// Notebook files for the end-to-end workspace.
import * as fs from "node:fs";
import { withTfjsStudioKernelspec } from "../../../extension/notebook/notebookMetadata";

/** Writes an .ipynb of code cells with the tfjs-studio kernelspec, as a notebook made by the extension has. */
export function writeNotebook(file: string, cells: string[]): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    // The kernelspec and language_info the extension writes (under `metadata.metadata` in VS Code's notebook metadata).
    metadata: withTfjsStudioKernelspec({})!.metadata,
    cells: cells.map((source, index) => ({ id: `cell-${index}`, cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
  };
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
}

/** The index (among all cells) of the first code cell whose source contains `text`. */
export function codeCellIndexContaining(file: string, text: string): number {
  const cells = (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] }).cells;
  const index = cells.findIndex((cell) => cell.cell_type === "code" && [cell.source].flat().join("").includes(text));
  if (index < 0) throw new Error(`no code cell of ${file} contains ${JSON.stringify(text)}`);
  return index;
}
