// The errors of packaging, and the checks more than one kind of model file shares: each names the file it is about.
import { readRegularFile, whyFailed } from "../../common/safeFileSystem";
import type { ServableModel } from "../../tfjs/io/servableModel";

export const LABELS_JSON = "labels.json";

/** A model folder that cannot be packaged; the message names the file and what is wrong with it. */
export class PackageProblem extends Error {
  override name = "PackageProblem";
}

/** One label a class of the model's first output. */
export function checkedLabels(file: string, labels: unknown, servable: ServableModel): string[] {
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((label) => typeof label === "string")) throw new PackageProblem(`${file}: must be a JSON array of label strings`);
  const classes = servable.outputs[0].shape.at(-1);
  if (typeof classes === "number" && classes !== labels.length) {
    throw new PackageProblem(`${file}: has ${labels.length} labels, but the model's output ${servable.outputs[0].name} has ${classes} classes`);
  }
  return labels;
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readRegularFile(file).toString("utf8");
  } catch (error) {
    throw new PackageProblem(`${file}: cannot read it (${whyFailed(error)})`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PackageProblem(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
