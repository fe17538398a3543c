// The contract between the model graph panel (extension/panels/modelGraphPanel.ts) and its page.
import type { ModelGraph } from "../../kernel/modelDisplay/modelGraphSchema";
import type { Direction } from "./graphLayout";

/** Where the shown graph comes from: a model.json (re-read on restore) or a cell output (kept in the state). */
export type GraphSource = { kind: "file"; path: string } | { kind: "cell"; title: string };

/** The page's first content, in its #boot element. */
export interface PanelBoot {
  source: GraphSource;
  /** Absent while a model.json is still loading; a `show` or `error` message follows. */
  graph?: ModelGraph;
  error?: string;
  direction?: Direction;
}

export type ToPageMessage = { type: "show"; source: GraphSource; graph: ModelGraph } | { type: "error"; source: GraphSource; message: string };

export type FromPageMessage = { type: "export"; format: "svg" | "png"; fileName: string; /** SVG text, or PNG bytes in base64. */ data: string };

/** What the page keeps with setState so that a window reload restores it. */
export interface PanelState {
  source: GraphSource;
  /** Kept for cell graphs only: a model.json is read again from disk. */
  graph?: ModelGraph;
  direction: Direction;
  selected?: string;
}
