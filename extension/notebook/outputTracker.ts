// A notebook's outputs as VS Code output items: the shared OutputReducer turns IOPub messages into nbformat
// outputs and edits, and this turns those into items and the metadata the built-in ipynb serializer reads. No
// vscode import: the runner applies the edits, the tests read them.
import { OutputReducer, type NotebookOutput, type OutputEdit, type TrackedOutput } from "../../client/outputReducer";
import type { JupyterMessage } from "../../protocol/messages";
import { OutputItemSpec, RED, RESET, errorItem, mimeBundleItems, streamItem } from "./outputItems";

export interface OutputSpec {
  /** The reducer's id of the output, stable while it exists. */
  id: string;
  items: OutputItemSpec[];
  /** What the built-in ipynb serializer reads to save the output as the right nbformat output type. */
  metadata: Record<string, unknown>;
}

export type ItemEdit<Cell> =
  | { kind: "append"; cell: Cell; output: OutputSpec }
  /** Adds items to an existing output: the editor joins consecutive stream items into one text. */
  | { kind: "appendItems"; cell: Cell; outputId: string; items: OutputItemSpec[] }
  | { kind: "replaceItems"; cell: Cell; outputId: string; items: OutputItemSpec[] }
  | { kind: "replaceAll"; cell: Cell; outputs: OutputSpec[] };

/** One per notebook; Cell is whatever identifies a cell to the caller (the vscode cell, or a test's label). */
export class OutputTracker<Cell> {
  private readonly reducer = new OutputReducer<Cell>();

  startCell(cell: Cell): void {
    this.reducer.startCell(cell);
  }

  forgetCell(cell: Cell): void {
    this.reducer.forgetCell(cell);
  }

  /** The edits one IOPub message of `cell`'s execution makes. Apply them in order; they are built now, not later. */
  handle(cell: Cell, message: JupyterMessage): ItemEdit<Cell>[] {
    return this.reducer.handle(cell, message).map(toItemEdit);
  }

  updateDisplay(message: JupyterMessage): ItemEdit<Cell>[] {
    return this.reducer.updateDisplay(message).map(toItemEdit);
  }

  kernelEnded(died: boolean, reason: string): ItemEdit<Cell>[] {
    return this.reducer.kernelEnded(died, reason).map(toItemEdit);
  }

  /** An error output of our own (kernel death, failed start), shown like the kernel's errors: its first line in red. */
  addError(cell: Cell, ename: string, text: string): ItemEdit<Cell>[] {
    const [first = "", ...rest] = text.split("\n");
    return this.reducer.addError(cell, { ename, evalue: first, traceback: [`${RED}${first}${RESET}`, ...rest] }).map(toItemEdit);
  }
}

function toItemEdit<Cell>(edit: OutputEdit<Cell>): ItemEdit<Cell> {
  switch (edit.kind) {
    case "append":
      return { kind: "append", cell: edit.cell, output: outputSpec(edit.output) };
    case "appendText":
      return { kind: "appendItems", cell: edit.cell, outputId: edit.outputId, items: [streamItem(edit.name, edit.text)] };
    case "replace":
      return { kind: "replaceItems", cell: edit.cell, outputId: edit.outputId, items: outputItems(edit.output) };
    case "replaceAll":
      return { kind: "replaceAll", cell: edit.cell, outputs: edit.outputs.map(outputSpec) };
  }
}

function outputSpec({ id, output }: TrackedOutput): OutputSpec {
  return { id, items: outputItems(output), metadata: serializerMetadata(output) };
}

function outputItems(output: NotebookOutput): OutputItemSpec[] {
  switch (output.output_type) {
    case "stream":
      return [streamItem(output.name, output.text)];
    case "display_data":
    case "execute_result":
      return mimeBundleItems(output.data);
    case "error":
      return [errorItem(output)];
  }
}

function serializerMetadata(output: NotebookOutput): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { outputType: "stream" };
    case "display_data":
      return { outputType: "display_data", metadata: output.metadata };
    case "execute_result":
      return { outputType: "execute_result", executionCount: output.execution_count, metadata: output.metadata };
    case "error":
      return { outputType: "error", originalError: { ...output } };
  }
}
