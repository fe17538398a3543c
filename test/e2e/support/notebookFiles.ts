// Notebook files for the end-to-end workspace.
import * as fs from "node:fs";

/** Writes an .ipynb of code cells with the tfjs-studio kernelspec, as a notebook made by the extension has. */
export function writeNotebook(file: string, cells: string[]): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tfjs-studio", display_name: "TypeScript (TF.js Studio)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/x.typescript" },
    },
    cells: cells.map((source, index) => ({ id: `cell-${index}`, cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
  };
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
}

/** The index of the first cell whose source contains `text`. */
export function cellIndexContaining(file: string, text: string): number {
  const cells = (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { source: string | string[] }[] }).cells;
  const index = cells.findIndex((cell) => [cell.source].flat().join("").includes(text));
  if (index < 0) throw new Error(`no cell of ${file} contains ${JSON.stringify(text)}`);
  return index;
}
