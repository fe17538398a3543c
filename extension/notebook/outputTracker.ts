// Turns a notebook's IOPub output messages into edits of its cell outputs: streams coalesced, display ids tracked
// across cells, clear_output(wait) deferred. No vscode import: the controller applies the edits, the tests read them.
import type { JupyterMessage } from "../../kernel/protocol/messages";
import { METRICS_MIME_TYPE, type MetricsDisplayData } from "../../kernel/training/runLogSchema";
import { metricsBundle } from "../../kernel/training/metricsFormat";
import { OutputItemSpec, RED, RESET, errorItem, mimeBundleItems, streamItem } from "./outputItems";

export interface OutputSpec {
  /** Our own id of the output, stable while it exists. */
  id: string;
  items: OutputItemSpec[];
  /** What the built-in ipynb serializer reads to save the output as the right nbformat output type. */
  metadata: Record<string, unknown>;
}

export type OutputEdit<Cell> =
  | { kind: "append"; cell: Cell; output: OutputSpec }
  /** Adds items to an existing output: the editor joins consecutive stream items into one text. */
  | { kind: "appendItems"; cell: Cell; outputId: string; items: OutputItemSpec[] }
  | { kind: "replaceItems"; cell: Cell; outputId: string; items: OutputItemSpec[] }
  /** Replaces every output of the cell (clear_output, with the first new output when it waited). */
  | { kind: "replaceAll"; cell: Cell; outputs: OutputSpec[] };

interface ShownOutput {
  id: string;
  stream?: string;
  displayId?: string;
  /** The live metrics it shows while their run is training: the kernel's end would leave them "training" forever. */
  liveRun?: MetricsDisplayData;
}

interface CellState {
  outputs: ShownOutput[];
  clearBeforeNextOutput: boolean;
}

/** One per notebook; Cell is whatever identifies a cell to the caller (the vscode cell, or a test's label). */
export class OutputTracker<Cell> {
  private readonly cells = new Map<Cell, CellState>();
  private nextId = 1;

  /** A cell starts executing: its outputs are cleared by the caller, so its displays can no longer be updated. */
  startCell(cell: Cell): void {
    this.cells.set(cell, { outputs: [], clearBeforeNextOutput: false });
  }

  /** The cell was deleted or its outputs cleared by the user. */
  forgetCell(cell: Cell): void {
    this.cells.delete(cell);
  }

  /** The edits one IOPub message of `cell`'s execution makes; none for messages that are not outputs. */
  handle(cell: Cell, message: JupyterMessage): OutputEdit<Cell>[] {
    const content = message.content as Record<string, unknown>;
    const displayId = displayIdOf(content);
    if (message.header.msg_type === "update_display_data") return this.updateDisplay(message);
    const state = this.cells.get(cell) ?? this.started(cell);
    switch (message.header.msg_type) {
      case "stream": {
        const name = content.name === "stderr" ? "stderr" : "stdout";
        const item = streamItem(name, String(content.text ?? ""));
        const last = state.outputs[state.outputs.length - 1];
        if (!state.clearBeforeNextOutput && last?.stream === name) return [{ kind: "appendItems", cell, outputId: last.id, items: [item] }];
        return this.add(cell, state, { items: [item], metadata: { outputType: "stream" } }, { stream: name });
      }
      case "display_data": {
        const items = mimeBundleItems(content.data);
        const metadata = { outputType: "display_data", metadata: content.metadata ?? {} };
        // As in Jupyter, a new display under a known id also updates the earlier ones.
        return [...this.updateDisplays(displayId, content.data), ...this.add(cell, state, { items, metadata }, { displayId, liveRun: liveRunOf(content.data) })];
      }
      case "execute_result": {
        const items = mimeBundleItems(content.data);
        const metadata = { outputType: "execute_result", executionCount: content.execution_count ?? null, metadata: content.metadata ?? {} };
        return [...this.updateDisplays(displayId, content.data), ...this.add(cell, state, { items, metadata }, { displayId, liveRun: liveRunOf(content.data) })];
      }
      case "error":
        return this.add(cell, state, errorOutput(content), {});
      case "clear_output":
        if (content.wait) {
          state.clearBeforeNextOutput = true;
          return [];
        }
        state.outputs = [];
        state.clearBeforeNextOutput = false;
        return [{ kind: "replaceAll", cell, outputs: [] }];
      default:
        return [];
    }
  }

  /** An update_display_data that came after its cell finished (from a callback or timer still running in the kernel). */
  updateDisplay(message: JupyterMessage): OutputEdit<Cell>[] {
    if (message.header.msg_type !== "update_display_data") return [];
    const content = message.content as Record<string, unknown>;
    return this.updateDisplays(displayIdOf(content), content.data);
  }

  /**
   * The kernel process ended: live metrics it was still updating would say "training" forever, so they end,
   * as "failed" when it died and "interrupted" when it was restarted or shut down, with why.
   */
  kernelEnded(died: boolean, reason: string): OutputEdit<Cell>[] {
    const error = died ? `The kernel died during training: ${reason.split("\n")[0]}` : "The kernel was restarted or shut down during training.";
    const edits: OutputEdit<Cell>[] = [];
    for (const [cell, state] of this.cells) {
      for (const output of state.outputs) {
        if (!output.liveRun) continue;
        const ended: MetricsDisplayData = { ...output.liveRun, status: died ? "failed" : "interrupted", error };
        output.liveRun = undefined;
        edits.push({ kind: "replaceItems", cell, outputId: output.id, items: mimeBundleItems(metricsBundle(ended)) });
      }
    }
    return edits;
  }

  /** An error output of our own (kernel death, failed start), shown like the kernel's errors: its first line in red. */
  addError(cell: Cell, ename: string, text: string): OutputEdit<Cell>[] {
    const state = this.cells.get(cell) ?? this.started(cell);
    const [first, ...rest] = text.split("\n");
    return this.add(cell, state, errorOutput({ ename, evalue: first, traceback: [`${RED}${first}${RESET}`, ...rest] }), {});
  }

  private started(cell: Cell): CellState {
    this.startCell(cell);
    return this.cells.get(cell)!;
  }

  private add(cell: Cell, state: CellState, output: Omit<OutputSpec, "id">, shown: Omit<ShownOutput, "id">): OutputEdit<Cell>[] {
    const spec = { id: `output-${this.nextId++}`, ...output };
    if (state.clearBeforeNextOutput) {
      state.clearBeforeNextOutput = false;
      state.outputs = [{ id: spec.id, ...shown }];
      return [{ kind: "replaceAll", cell, outputs: [spec] }];
    }
    state.outputs.push({ id: spec.id, ...shown });
    return [{ kind: "append", cell, output: spec }];
  }

  private updateDisplays(displayId: string | undefined, data: unknown): OutputEdit<Cell>[] {
    if (displayId === undefined) return [];
    const edits: OutputEdit<Cell>[] = [];
    let items: OutputItemSpec[] | undefined;
    for (const [cell, state] of this.cells) {
      for (const output of state.outputs) {
        if (output.displayId !== displayId) continue;
        items ??= mimeBundleItems(data);
        output.liveRun = liveRunOf(data);
        edits.push({ kind: "replaceItems", cell, outputId: output.id, items });
      }
    }
    return edits;
  }
}

/** An error output, with what the ipynb serializer saves as the nbformat error. */
function errorOutput(content: Record<string, unknown>): Omit<OutputSpec, "id"> {
  const originalError = { output_type: "error", ename: content.ename, evalue: content.evalue, traceback: content.traceback };
  return { items: [errorItem(content)], metadata: { outputType: "error", originalError } };
}

function liveRunOf(data: unknown): MetricsDisplayData | undefined {
  const metrics = (data as Record<string, unknown> | undefined)?.[METRICS_MIME_TYPE] as MetricsDisplayData | undefined;
  return metrics?.status === "running" ? metrics : undefined;
}

function displayIdOf(content: Record<string, unknown>): string | undefined {
  const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}
