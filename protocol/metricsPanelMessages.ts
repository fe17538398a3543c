// The messages between the metrics panel (extension/panels/metricsPanel.ts) and its page
// (webviews/metricsPanel/), and the page's saved state.
import type { MetricValues, ObservedRunStatus, RunLogRecord } from "./runLogSchema";
import type { RunSeries } from "./runSeries";

/** The charts' x axis: the step number, time since the run started, or wall-clock time. */
export type XAxis = "step" | "relative" | "wall";
/** One point per batch or one per epoch. */
export type Granularity = "batch" | "epoch";

export interface PanelRun {
  /** The run log's path: stable across reloads. */
  id: string;
  runId: string;
  name: string;
  /** The run folder relative to the workspace, for the list's tooltip. */
  location: string;
  /** The folder of the notebook that wrote the run (absolute): the run list groups runs by it. */
  folder: string;
  /** That folder as the run list's group heading says it: relative to the workspace. */
  folderLabel: string;
  /** The notebook that wrote the run, when its kernel knew. */
  notebook: string | null;
  status: ObservedRunStatus;
  startTime: number | null;
  /** The exact values a finished run ended with (the charts may smooth them); null while it runs. */
  finalMetrics: MetricValues | null;
  problems: string[];
}

export type ToPanelMessage =
  /** Every run, in list order (by start time). */
  | { type: "runs"; runs: PanelRun[] }
  /** A run's whole history: on (re)load, and after its log was rewritten. */
  | { type: "series"; id: string; series: RunSeries }
  /** What a run's log gained since the last message. */
  | { type: "records"; id: string; records: RunLogRecord[] }
  /** The panel was opened from a notebook: show that notebook folder's runs only. */
  | { type: "showOnlyFolder"; folder: string };

export type FromPanelMessage =
  /** The page is up (first load, reload, or shown again): send everything. */
  | { type: "ready" }
  /** runIds: the runs on the export, whose notebook folder the save dialog starts in. */
  | { type: "exportCsv"; fileName: string; csv: string; runIds: string[] }
  | { type: "exportPng"; fileName: string; dataUrl: string; title: string; runIds: string[] };

export interface PanelBoot {
  /** The tfjsStudio.metrics.smoothing setting: the slider's start when there is no saved state. */
  smoothing: number;
}

/** What vscode.setState keeps across reloads. */
export interface PanelState {
  /** Runs the user unticked; every other run of a shown folder is shown, new ones included. */
  hiddenRuns: string[];
  /** The notebook folders whose runs are shown (new ones included); null: every folder. */
  shownFolders: string[] | null;
  smoothing: number;
  xAxis: XAxis;
  granularity: Granularity;
  logY: boolean;
  clipOutliers: boolean;
}
