// Which runs the charts show. Runs belong to the notebook folder that wrote them; the user ticks runs, or a
// folder's runs all at once, and a panel opened from a notebook shows that notebook's runs only. Runs that
// appear later are shown when their folder is, so another project's new runs never crowd in.
import type { PanelRun, PanelState } from "../../protocol/metricsPanelMessages";

export type RunSelection = Pick<PanelState, "hiddenRuns" | "shownFolders">;
type Located = Pick<PanelRun, "id" | "folder">;

function folderShown(selection: RunSelection, folder: string): boolean {
  return selection.shownFolders === null || selection.shownFolders.includes(folder);
}

export function isRunShown(selection: RunSelection, run: Located): boolean {
  return folderShown(selection, run.folder) && !selection.hiddenRuns.includes(run.id);
}

/** "all", "some" or "none" of the folder's runs are shown: its checkbox is ticked, half-ticked or not. */
export function folderState(selection: RunSelection, runs: readonly Located[], folder: string): "all" | "some" | "none" {
  const members = runs.filter((run) => run.folder === folder);
  const shown = members.filter((run) => isRunShown(selection, run)).length;
  if (shown === 0) return "none";
  return shown === members.length ? "all" : "some";
}

/** Ticks or unticks one run. Ticking a run of a hidden folder shows that folder with this one run. */
export function setRunShown(selection: RunSelection, runs: readonly Located[], run: Located, shown: boolean): RunSelection {
  const hiddenRuns = selection.hiddenRuns.filter((id) => id !== run.id);
  if (!shown) return { ...selection, hiddenRuns: [...hiddenRuns, run.id] };
  if (folderShown(selection, run.folder)) return { ...selection, hiddenRuns };
  const others = runs.filter((each) => each.folder === run.folder && each.id !== run.id).map((each) => each.id);
  return { shownFolders: [...selection.shownFolders!, run.folder], hiddenRuns: [...hiddenRuns.filter((id) => !others.includes(id)), ...others] };
}

/** Ticks or unticks every run of a folder, the ones to come included. */
export function setFolderShown(selection: RunSelection, runs: readonly Located[], folder: string, shown: boolean): RunSelection {
  const hiddenRuns = selection.hiddenRuns.filter((id) => !runs.some((run) => run.id === id && run.folder === folder));
  if (shown) return { hiddenRuns, shownFolders: folderShown(selection, folder) ? selection.shownFolders : [...selection.shownFolders!, folder] };
  const folders = selection.shownFolders ?? [...new Set(runs.map((run) => run.folder))];
  return { hiddenRuns, shownFolders: folders.filter((each) => each !== folder) };
}

/** That folder's runs, all of them, and nothing else. */
export function showOnlyFolder(selection: RunSelection, runs: readonly Located[], folder: string): RunSelection {
  return { hiddenRuns: setFolderShown(selection, runs, folder, true).hiddenRuns, shownFolders: [folder] };
}
