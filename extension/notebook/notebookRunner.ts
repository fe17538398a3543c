// Runs one notebook's cells on its kernel, one at a time in the order queued, and turns the kernel's output
// into cell outputs as it arrives.
import * as vscode from "vscode";
import type { InputPrompt, KernelClient } from "../../client/kernelClient";
import type { JupyterMessage } from "../../protocol/messages";
import type { KernelSessions } from "../kernel/kernelSessions";
import type { KernelEnd } from "../kernel/notebookKernelSession";
import type { CellDiagnostics } from "../language/cellDiagnostics";
import { ItemEdit, OutputSpec, OutputTracker } from "./outputTracker";
import type { OutputItemSpec } from "./outputItems";

type Cell = vscode.NotebookCell;

/** How long a kernel's end waits for the cell it was running to end (it fails at once when the kernel is gone). */
const CELL_END_WAIT_MS = 5000;
/**
 * The least time between display updates of idle cells. Each is a short cell execution, for which VS Code
 * shows the cell's spinner for at least 500 ms: at a training's 10 Hz the cell would look running all the time.
 */
const IDLE_UPDATE_INTERVAL_MS = 2000;

interface CellRun {
  cell: Cell;
  execution: vscode.NotebookCellExecution;
}

export class NotebookRunner implements vscode.Disposable {
  private readonly queue: CellRun[] = [];
  private running: (CellRun & { requestId?: string }) | undefined;
  private draining: Promise<void> | undefined;
  private readonly tracker = new OutputTracker<Cell>();
  /** Every output this runner created, by the tracker's id: updates of a display need the output object. */
  private readonly outputs = new Map<string, { cell: Cell; output: vscode.NotebookCellOutput }>();
  /** Output edits are applied strictly in order, and this never rejects; a cell's execution ends after all its edits. */
  private edits: Promise<void> = Promise.resolve();
  /** Display updates of idle cells waiting to be applied: only the latest per output matters. */
  private readonly idleUpdates = new Map<string, { cell: Cell; items: OutputItemSpec[] }>();
  private lastIdleUpdateAt = 0;
  private readonly listening = new WeakSet<object>();
  private readonly kernelEnds: vscode.Disposable;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    readonly controller: vscode.NotebookController,
    private readonly sessions: KernelSessions,
    private readonly diagnostics: CellDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kernelEnds = sessions.onDidEndKernel((end) => {
      if (end.session.notebook === notebook) void this.endLiveMetrics(end);
    });
  }

  enqueue(cells: readonly Cell[]): void {
    for (const cell of cells) {
      try {
        this.queue.push({ cell, execution: this.controller.createNotebookCellExecution(cell) });
      } catch (error) {
        // The cell is already queued or running.
        this.log.warn(`Cell ${cell.index + 1} of ${this.notebook.uri.path} not queued: ${(error as Error).message}`);
      }
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Ends the cells still waiting, leaving their outputs as they are. */
  cancelQueued(): void {
    for (const { execution } of this.queue.splice(0)) execution.end(undefined);
  }

  /** Resolves true once no cell runs any more, false when one still runs after timeoutMs. */
  async waitUntilStopped(timeoutMs: number): Promise<boolean> {
    const draining = this.draining;
    if (!draining) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const stopped = await Promise.race([draining.then(() => true), timedOut]);
    clearTimeout(timer);
    return stopped;
  }

  /** The user cleared a cell's outputs or deleted it: its displays can no longer be updated. */
  forgetCell(cell: Cell): void {
    this.tracker.forgetCell(cell);
    this.dropOutputs(cell);
  }

  private startCell(cell: Cell): void {
    this.tracker.startCell(cell);
    this.dropOutputs(cell);
  }

  private dropOutputs(cell: Cell): void {
    for (const [id, entry] of this.outputs) if (entry.cell === cell) this.outputs.delete(id);
  }

  dispose(): void {
    this.kernelEnds.dispose();
    this.cancelQueued();
  }

  /** Live metrics of the ended kernel would say "training" forever; they end once its running cell has. */
  private async endLiveMetrics(end: KernelEnd): Promise<void> {
    await this.waitUntilStopped(CELL_END_WAIT_MS);
    this.schedule(this.tracker.kernelEnded(end.unexpected, end.reason));
  }

  private async drain(): Promise<void> {
    for (let run = this.queue.shift(); run; run = this.queue.shift()) {
      // As Jupyter's stop_on_error: a failed or interrupted cell stops the cells queued after it.
      if (!(await this.runCell(run))) this.cancelQueued();
    }
  }

  private async runCell(run: CellRun): Promise<boolean> {
    const { cell, execution } = run;
    execution.start(Date.now());
    await execution.clearOutput();
    this.startCell(cell);
    this.running = run;
    const session = this.sessions.open(this.notebook);
    let client;
    try {
      client = (await session.ensureStarted()).client;
      this.listenForLateUpdates(client);
    } catch (error) {
      this.sessions.reportStartFailure(this.notebook, error as Error);
      await this.apply(this.tracker.addError(cell, "KernelStartError", (error as Error).message));
      execution.end(false, Date.now());
      this.running = undefined;
      return false;
    }
    const input = new vscode.CancellationTokenSource();
    try {
      const result = await client.execute(cell.document.getText(), {
        onIopub: (message) => this.onIopub(run, message),
        onInput: (prompt) => this.askInput(cell, prompt, input.token),
      });
      await this.edits;
      const content = result.reply.content as Record<string, unknown>;
      if (typeof content.execution_count === "number") execution.executionOrder = content.execution_count;
      this.diagnostics.update(cell, content);
      const success = content.status === "ok";
      execution.end(success, Date.now());
      return success;
    } catch (error) {
      await this.edits;
      this.diagnostics.update(cell, undefined);
      if (session.isStopping) {
        await this.apply(this.tracker.addError(cell, "KernelStopped", "The kernel was restarted or shut down while this cell was running; its variables are gone."));
      } else {
        const reason = (error as Error).message.replace(/^kernel died: /, "");
        await this.apply(this.tracker.addError(cell, "KernelDied", `The kernel died while running this cell: ${reason}`));
      }
      execution.end(false, Date.now());
      return false;
    } finally {
      input.cancel();
      input.dispose();
      this.running = undefined;
    }
  }

  private onIopub(run: CellRun & { requestId?: string }, message: JupyterMessage): void {
    run.requestId ??= (message.parent_header as { msg_id?: string }).msg_id;
    if (message.header.msg_type === "execute_input" && typeof message.content.execution_count === "number") {
      run.execution.executionOrder = message.content.execution_count;
    }
    this.schedule(this.tracker.handle(run.cell, message));
  }

  /** Display updates published after their cell finished, e.g. by a training loop that was not awaited. */
  private listenForLateUpdates(client: KernelClient): void {
    if (this.listening.has(client)) return;
    this.listening.add(client);
    client.on("iopub", (message) => {
      if (message.header.msg_type !== "update_display_data") return;
      const parent = (message.parent_header as { msg_id?: string }).msg_id;
      if (this.running && (this.running.requestId === undefined || this.running.requestId === parent)) return;
      this.schedule(this.tracker.updateDisplay(message));
    });
  }

  private schedule(edits: ItemEdit<Cell>[]): void {
    if (edits.length > 0) void this.apply(edits);
  }

  private apply(edits: ItemEdit<Cell>[]): Promise<void> {
    for (const edit of edits) {
      if (edit.kind === "replaceItems" && edit.cell !== this.running?.cell) {
        // Coalesced: a fast-updating display in an idle cell gets its latest state, not a backlog.
        const waiting = this.idleUpdates.has(edit.outputId);
        this.idleUpdates.set(edit.outputId, { cell: edit.cell, items: edit.items });
        if (!waiting) this.scheduleIdleUpdate(edit.outputId);
        continue;
      }
      this.edits = this.edits.then(() => this.applyToRunning(edit)).catch((error: Error) => this.log.warn(`Output edit failed: ${error.message}`));
    }
    return this.edits;
  }

  private async applyToRunning(edit: ItemEdit<Cell>): Promise<void> {
    const execution = this.running?.cell === edit.cell ? this.running.execution : undefined;
    if (!execution) throw new Error(`cell ${edit.cell.index + 1} is no longer running`);
    switch (edit.kind) {
      case "append":
        return execution.appendOutput(this.create(edit.cell, edit.output));
      case "appendItems":
        return execution.appendOutputItems(edit.items.map(toItem), this.existing(edit.outputId));
      case "replaceItems":
        return execution.replaceOutputItems(edit.items.map(toItem), this.existing(edit.outputId));
      case "replaceAll":
        this.dropOutputs(edit.cell);
        return execution.replaceOutput(edit.outputs.map((output) => this.create(edit.cell, output)));
    }
  }

  /** Waits out the interval outside the edit queue, so that it holds up no output of the running cell. */
  private scheduleIdleUpdate(outputId: string): void {
    const wait = Math.max(0, this.lastIdleUpdateAt + IDLE_UPDATE_INTERVAL_MS - Date.now());
    setTimeout(() => {
      this.edits = this.edits.then(() => this.updateIdleCell(outputId)).catch((error: Error) => this.log.warn(`Display update failed: ${error.message}`));
    }, wait);
  }

  /**
   * Output can only be changed through a cell execution, so an idle cell gets a short one that puts back its
   * execution order, timing and success as they were: the user sees the output change and nothing else.
   */
  private async updateIdleCell(outputId: string): Promise<void> {
    this.lastIdleUpdateAt = Date.now();
    const update = this.idleUpdates.get(outputId);
    this.idleUpdates.delete(outputId);
    const output = this.outputs.get(outputId)?.output;
    if (!update || !output || update.cell.index < 0 || this.notebook.isClosed) return;
    if (!update.cell.outputs.some((shown) => (shown as { id?: string }).id === (output as { id?: string }).id)) {
      // The user cleared this output: nothing to update any more.
      this.forgetCell(update.cell);
      return;
    }
    const summary = update.cell.executionSummary;
    let execution: vscode.NotebookCellExecution;
    try {
      execution = this.controller.createNotebookCellExecution(update.cell);
    } catch (error) {
      this.log.warn(`Display update of cell ${update.cell.index + 1} skipped: the cell is queued to run again (${(error as Error).message})`);
      return;
    }
    execution.start(summary?.timing?.startTime);
    execution.executionOrder = summary?.executionOrder;
    try {
      await execution.replaceOutputItems(update.items.map(toItem), output);
    } catch (error) {
      this.log.warn(`Display update of cell ${update.cell.index + 1} failed: ${(error as Error).message}`);
    } finally {
      execution.end(summary?.success, summary?.timing?.endTime);
    }
  }

  private create(cell: Cell, spec: OutputSpec): vscode.NotebookCellOutput {
    const output = new vscode.NotebookCellOutput(spec.items.map(toItem), spec.metadata);
    this.outputs.set(spec.id, { cell, output });
    return output;
  }

  private existing(outputId: string): vscode.NotebookCellOutput {
    const output = this.outputs.get(outputId)?.output;
    if (!output) throw new Error(`unknown output ${outputId}`);
    return output;
  }

  /** Escape answers with an empty string: the kernel waits for a reply, and a cell can check for "". */
  private async askInput(cell: Cell, prompt: InputPrompt, token: vscode.CancellationToken): Promise<string> {
    const value = await vscode.window.showInputBox(
      { title: `Input for cell ${cell.index + 1}`, prompt: prompt.prompt || "The running cell asks for input", password: prompt.password, ignoreFocusOut: true },
      token,
    );
    if (value === undefined) this.log.info(`Input for cell ${cell.index + 1} cancelled: the kernel gets an empty string`);
    return value ?? "";
  }
}

function toItem(item: OutputItemSpec): vscode.NotebookCellOutputItem {
  return new vscode.NotebookCellOutputItem(item.data, item.mime);
}
