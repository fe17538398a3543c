// STUB (wip-metrics replaces): live loss and metric charts in a cell output.
import type { OutputItem, RendererContext } from "vscode-notebook-renderer";

export function renderMetricsOutput(item: OutputItem, element: HTMLElement, _context: RendererContext<unknown>, _signal: AbortSignal): void {
  element.textContent = item.text();
}

export function disposeMetricsOutput(_id: string | undefined): void {}
