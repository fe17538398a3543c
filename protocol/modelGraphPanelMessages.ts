// The contract between the model graph panel (extension/panels/modelGraphPanel.ts) and its page.
import type { ModelGraph } from "./modelGraphSchema";

/** The layout's flow: top to bottom, or left to right. */
export type Direction = "DOWN" | "RIGHT";

/** Where the shown graph comes from: a model.json (re-read on restore) or a cell output (kept in the state). */
export type GraphSource = { kind: "file"; path: string } | { kind: "cell"; title: string };

/** The page's start, in its #boot element; the graph (or an error) follows in a message once the page is ready. */
export interface PanelBoot {
  source: GraphSource;
  /** The restored panel's direction. */
  direction?: Direction;
}

export type ToPageMessage = { type: "show"; source: GraphSource; graph: ModelGraph } | { type: "error"; source: GraphSource; message: string };

export type FromPageMessage =
  /** The page listens: messages posted before this may be lost. */
  | { type: "ready" }
  | { type: "export"; format: "svg" | "png"; fileName: string; /** SVG text, or PNG bytes in base64. */ data: string };

/** What the page keeps with setState so that a window reload restores it. */
export interface PanelState {
  source: GraphSource;
  /** Kept for cell graphs only: a model.json is read again from disk. */
  graph?: ModelGraph;
  direction: Direction;
  selected?: string;
}
