// Turns a notebook's IOPub messages into nbformat outputs, and into the edits that keep a live view of them up
// to date: streams coalesced, display ids updated across cells, clear_output(wait) deferred, and live training
// metrics ended when their kernel dies, is restarted or a cell times out. Pure: the extension applies the
// edits to VS Code's cells; `tfjs-studio run` saves the outputs.
import type { JsonObject, JupyterMessage, MimeBundle } from "../protocol/messages";
import { metricsBundle } from "../protocol/metricsFormat";
import { METRICS_MIME_TYPE, type MetricsDisplayData } from "../protocol/runLogSchema";

export type StreamName = "stdout" | "stderr";

/** An nbformat 4 output. */
export type NotebookOutput =
  | { output_type: "stream"; name: StreamName; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: JsonObject }
  | { output_type: "execute_result"; data: MimeBundle; metadata: JsonObject; execution_count: number | null }
  | ErrorOutput;

// A type, not an interface, so that it stays assignable to plain JSON objects (nbformat files).
export type ErrorOutput = {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
};

/** An output with an id of ours, stable while it exists. */
export interface TrackedOutput {
  id: string;
  output: NotebookOutput;
}

export type OutputEdit<Cell> =
  | { kind: "append"; cell: Cell; output: TrackedOutput }
  /** More text for an existing stream output. */
  | { kind: "appendText"; cell: Cell; outputId: string; name: StreamName; text: string }
  | { kind: "replace"; cell: Cell; outputId: string; output: NotebookOutput }
  /** Replaces every output of the cell (clear_output, with the first new output when it waited). */
  | { kind: "replaceAll"; cell: Cell; outputs: TrackedOutput[] };

interface ShownOutput extends TrackedOutput {
  displayId?: string;
  /** The live metrics it shows while their run is training: the kernel's end would leave them "training" forever. */
  liveRun?: MetricsDisplayData;
}

interface CellState {
  outputs: ShownOutput[];
  clearBeforeNextOutput: boolean;
}

/** One per notebook; Cell is whatever identifies a cell to the caller (a vscode cell, an index, a test's label). */
export class OutputReducer<Cell> {
  private readonly cells = new Map<Cell, CellState>();
  private nextId = 1;

  /** A cell starts executing: its outputs are cleared, so its displays can no longer be updated. */
  startCell(cell: Cell): void {
    this.cells.set(cell, { outputs: [], clearBeforeNextOutput: false });
  }

  /** The cell was deleted or its outputs cleared by the user. */
  forgetCell(cell: Cell): void {
    this.cells.delete(cell);
  }

  /** The cell's outputs now, in nbformat. */
  outputs(cell: Cell): NotebookOutput[] {
    return (this.cells.get(cell)?.outputs ?? []).map((shown) => shown.output);
  }

  /** The edits one IOPub message of `cell`'s execution makes; none for messages that are not outputs. */
  handle(cell: Cell, message: JupyterMessage): OutputEdit<Cell>[] {
    const content = message.content;
    const displayId = displayIdOf(content);
    if (message.header.msg_type === "update_display_data") return this.updateDisplay(message);
    const state = this.cells.get(cell) ?? this.started(cell);
    switch (message.header.msg_type) {
      case "stream": {
        const name: StreamName = content.name === "stderr" ? "stderr" : "stdout";
        const text = typeof content.text === "string" ? content.text : "";
        const last = state.outputs.at(-1);
        if (!state.clearBeforeNextOutput && last?.output.output_type === "stream" && last.output.name === name) {
          last.output.text += text;
          return [{ kind: "appendText", cell, outputId: last.id, name, text }];
        }
        return this.add(cell, state, { output_type: "stream", name, text });
      }
      case "display_data": {
        const output: NotebookOutput = { output_type: "display_data", data: objectOf(content.data), metadata: objectOf(content.metadata) };
        // As in Jupyter, a new display under a known id also updates the earlier ones.
        return [...this.updateDisplays(displayId, content), ...this.add(cell, state, output, displayId)];
      }
      case "execute_result": {
        const count = typeof content.execution_count === "number" ? content.execution_count : null;
        const output: NotebookOutput = { output_type: "execute_result", data: objectOf(content.data), metadata: objectOf(content.metadata), execution_count: count };
        return [...this.updateDisplays(displayId, content), ...this.add(cell, state, output, displayId)];
      }
      case "error":
        return this.add(cell, state, errorOutput(content));
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

  /** An update_display_data, also one that came after its cell finished (from a callback or timer still running in the kernel). */
  updateDisplay(message: JupyterMessage): OutputEdit<Cell>[] {
    if (message.header.msg_type !== "update_display_data") return [];
    return this.updateDisplays(displayIdOf(message.content), message.content);
  }

  /** An error output of the caller's own (a kernel death, a time-out), at the end of the cell's outputs. */
  addError(cell: Cell, error: Omit<ErrorOutput, "output_type">): OutputEdit<Cell>[] {
    return this.add(cell, this.cells.get(cell) ?? this.started(cell), { output_type: "error", ...error });
  }

  /**
   * The kernel process ended: live metrics it was still updating would say "training" forever, so they end,
   * as "failed" when it died and "interrupted" when it was restarted or shut down, with why.
   */
  kernelEnded(died: boolean, reason: string): OutputEdit<Cell>[] {
    const error = died ? `The kernel died during training: ${reason.split("\n")[0]}` : "The kernel was restarted or shut down during training.";
    return this.endLiveRuns(died ? "failed" : "interrupted", error);
  }

  /** Live metrics still "running" end with this status and why: their kernel will not update them any more. */
  endLiveRuns(status: "failed" | "interrupted", error: string): OutputEdit<Cell>[] {
    const edits: OutputEdit<Cell>[] = [];
    for (const [cell, state] of this.cells) {
      for (const shown of state.outputs) {
        if (!shown.liveRun || (shown.output.output_type !== "display_data" && shown.output.output_type !== "execute_result")) continue;
        shown.output.data = metricsBundle({ ...shown.liveRun, status, error });
        shown.liveRun = undefined;
        edits.push({ kind: "replace", cell, outputId: shown.id, output: shown.output });
      }
    }
    return edits;
  }

  private started(cell: Cell): CellState {
    this.startCell(cell);
    return this.cells.get(cell)!;
  }

  private add(cell: Cell, state: CellState, output: NotebookOutput, displayId?: string): OutputEdit<Cell>[] {
    const shown: ShownOutput = { id: `output-${this.nextId++}`, output, displayId, liveRun: "data" in output ? liveRunOf(output.data) : undefined };
    const tracked = { id: shown.id, output };
    if (state.clearBeforeNextOutput) {
      state.clearBeforeNextOutput = false;
      state.outputs = [shown];
      return [{ kind: "replaceAll", cell, outputs: [tracked] }];
    }
    state.outputs.push(shown);
    return [{ kind: "append", cell, output: tracked }];
  }

  private updateDisplays(displayId: string | undefined, content: JsonObject): OutputEdit<Cell>[] {
    if (displayId === undefined) return [];
    const edits: OutputEdit<Cell>[] = [];
    for (const [cell, state] of this.cells) {
      for (const shown of state.outputs) {
        if (shown.displayId !== displayId || (shown.output.output_type !== "display_data" && shown.output.output_type !== "execute_result")) continue;
        shown.output.data = objectOf(content.data);
        shown.output.metadata = objectOf(content.metadata);
        shown.liveRun = liveRunOf(shown.output.data);
        edits.push({ kind: "replace", cell, outputId: shown.id, output: shown.output });
      }
    }
    return edits;
  }
}

function errorOutput(content: JsonObject): ErrorOutput {
  const traceback = Array.isArray(content.traceback) ? content.traceback.map(String) : [];
  return { output_type: "error", ename: typeof content.ename === "string" ? content.ename : "Error", evalue: typeof content.evalue === "string" ? content.evalue : "", traceback };
}

function liveRunOf(data: MimeBundle): MetricsDisplayData | undefined {
  const metrics = data[METRICS_MIME_TYPE] as MetricsDisplayData | undefined;
  return metrics?.status === "running" ? metrics : undefined;
}

function displayIdOf(content: JsonObject): string | undefined {
  const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

function objectOf(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
