// How the panel names a run: its name and start time, plus whatever else it takes to tell runs apart (two
// projects' models are both "sequential_1"): the date when it is not today, the run folder when a notebook
// started two runs of one model in the same second, and on the charts the notebook folder when they show
// runs of several.
import type { PanelRun } from "../../protocol/metricsPanelMessages";

export interface RunNames {
  /** In the run list, under the notebook folder's heading. */
  row: string;
  /** On the charts' tooltips and in exports, where runs of every folder meet. */
  chart: string;
}

// One formatter each (toLocaleTimeString would build one per call).
const timeFormat = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateFormat = new Intl.DateTimeFormat([], { month: "short", day: "numeric" });

export function runNames(runs: readonly PanelRun[], shown: (run: PanelRun) => boolean, now = Date.now()): Map<string, RunNames> {
  const today = dateFormat.format(now);
  const started = (run: PanelRun): string => {
    if (run.startTime === null) return run.name;
    const date = dateFormat.format(run.startTime);
    return `${run.name} ${date === today ? "" : `${date} `}${timeFormat.format(run.startTime)}`;
  };
  const bases = new Map(runs.map((run) => [run.id, started(run)]));
  const clash = (run: PanelRun): boolean => runs.some((other) => other.id !== run.id && other.folder === run.folder && bases.get(other.id) === bases.get(run.id));
  const severalFolders = new Set(runs.filter(shown).map((run) => run.folder)).size > 1;
  return new Map(
    runs.map((run) => {
      const row = clash(run) ? `${bases.get(run.id)!} · ${run.runId}` : bases.get(run.id)!;
      return [run.id, { row, chart: severalFolders ? `${row} (${run.folderLabel})` : row }];
    }),
  );
}
