// STUB (wip-graph replaces): a compact layer graph in a cell output, with a button to the graph panel.
import type { OutputItem, RendererContext } from "vscode-notebook-renderer";

export function renderModelOutput(item: OutputItem, element: HTMLElement, _context: RendererContext<unknown>, _signal: AbortSignal): void {
  element.textContent = item.text();
}

export function disposeModelOutput(_id: string | undefined): void {}
