// The page's state, kept with vscode.setState so that a window reload or a hidden panel loses nothing.
import type { PanelBoot, PanelState } from "../../protocol/metricsPanelMessages";

const X_AXES = ["step", "relative", "wall"];
const GRANULARITIES = ["batch", "epoch"];

/** The saved state, each field checked (an older or damaged state falls back field by field). */
export function restoreState(saved: unknown, boot: PanelBoot): PanelState {
  const state = (typeof saved === "object" && saved !== null ? saved : {}) as Partial<Record<keyof PanelState, unknown>>;
  const smoothing = typeof state.smoothing === "number" && state.smoothing >= 0 && state.smoothing < 1 ? state.smoothing : boot.smoothing;
  return {
    hiddenRuns: strings(state.hiddenRuns) ?? [],
    shownFolders: strings(state.shownFolders),
    smoothing,
    xAxis: X_AXES.includes(state.xAxis as string) ? (state.xAxis as PanelState["xAxis"]) : "step",
    granularity: GRANULARITIES.includes(state.granularity as string) ? (state.granularity as PanelState["granularity"]) : "batch",
    logY: state.logY === true,
    clipOutliers: state.clipOutliers === true,
  };
}

/** The strings of an array, or null when it is no array. */
function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((each): each is string => typeof each === "string") : null;
}
