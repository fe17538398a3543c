// The line above the graph that says how current the weights' statistics are: read from the kernel just now, a
// copy from earlier (and why), or what a model.json holds. Pure: tested under mocha.
import type { WeightsOrigin } from "../../protocol/modelGraphPanelMessages";

export function weightsOriginText(origin: WeightsOrigin, now = new Date()): string {
  switch (origin.kind) {
    case "kernel":
      return `Current weights, read from the kernel at ${when(origin.readAt, now)}${origin.training ? ", while the model was training" : ""}.`;
    case "reading":
      return `${asOf(origin.readAt, now)}. Reading the current ones from the kernel…`;
    case "snapshot":
      return `${asOf(origin.readAt, now)} (a snapshot, not the current weights). ${origin.why}`;
    case "file":
      return `Weights as saved in the file, last modified ${when(origin.modifiedAt, now)}.`;
  }
}

function asOf(readAt: string | undefined, now: Date): string {
  return readAt ? `Weights as of ${when(readAt, now)}` : "Weights from when the cell ran";
}

/** The time alone today, else the date too. */
function when(iso: string, now: Date): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return "an unknown time";
  const clock: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit" };
  return time.toDateString() === now.toDateString() ? time.toLocaleTimeString(undefined, clock) : time.toLocaleString(undefined, { ...clock, year: "numeric", month: "short", day: "numeric" });
}
