// The contract between the model graph panel (extension/panels/modelGraphPanel.ts) and its page.
import type { ModelGraph } from "./modelGraphSchema";

/** The layout's flow: top to bottom, or left to right. */
export type Direction = "DOWN" | "RIGHT";

/**
 * Where the shown graph comes from: a model.json (re-read on restore and on Refresh) or a cell output (kept in the
 * state; its current weights are asked of the notebook's kernel). `notebook` is the notebook's URI, absent in
 * panels saved by older versions.
 */
export type GraphSource = { kind: "file"; path: string } | { kind: "cell"; title: string; notebook?: string };

/** How current the shown weights' statistics are: what the page says above the graph. Times are ISO 8601. */
export type WeightsOrigin =
  /** Read from the running kernel just now. */
  | { kind: "kernel"; readAt: string; training: boolean }
  /** The cell output's copy, shown while the kernel is asked. */
  | { kind: "reading"; readAt?: string }
  /** The cell output's copy, because the kernel has no current one: `why`, in words meant for the user. */
  | { kind: "snapshot"; readAt?: string; why: string }
  /** Saved in a model.json, last modified then. */
  | { kind: "file"; modifiedAt: string };

/** The page's start, in its #boot element; the graph (or an error) follows in a message once the page is ready. */
export interface PanelBoot {
  source: GraphSource;
  /** The restored panel's direction. */
  direction?: Direction;
}

export type ExportFormat = "svg" | "png";

export type ToPageMessage =
  | { type: "show"; source: GraphSource; graph: ModelGraph; weights: WeightsOrigin }
  | { type: "error"; source: GraphSource; message: string }
  /** What became of an export: saved at `detail` (a path), cancelled by the user, or failed with `detail`. */
  | { type: "exported"; format: ExportFormat; outcome: "saved" | "cancelled" | "failed"; detail: string };

export type FromPageMessage =
  /** The page listens: messages posted before this may be lost. */
  | { type: "ready" }
  /** Read the weights again: from the kernel for a cell's model, from disk for a model.json. */
  | { type: "refresh" }
  | { type: "export"; format: ExportFormat; fileName: string; /** SVG text, or PNG bytes in base64. */ data: string };

/** What the page keeps with setState so that a window reload restores it. */
export interface PanelState {
  source: GraphSource;
  /** Kept for cell graphs only: a model.json is read again from disk. */
  graph?: ModelGraph;
  direction: Direction;
  selected?: string;
}
