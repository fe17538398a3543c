// Whether a notebook is written for our kernel, as its metadata says: `tfjs-studio run` would otherwise run, say,
// a Python notebook's cells as TypeScript, and fail on the first with a syntax error.

import { KERNEL_NAME, LANGUAGE_INFO } from "../protocol/languageInfo";

/**
 * What the notebook's metadata says it is for, as `kernel "python3", language python`, when that is not our
 * kernel; undefined when it is ours or the metadata does not say.
 */
export function otherKernel(metadata: unknown): string | undefined {
  const kernelspec = field(metadata, "kernelspec");
  const name = stringField(kernelspec, "name");
  const languages = [stringField(kernelspec, "language"), stringField(field(metadata, "language_info"), "name")].filter(
    (language): language is string => language !== undefined,
  );
  // The language decides when given: `install-kernel --name` installs our kernel under other names.
  const ours = languages.length > 0 ? languages.every((language) => language.toLowerCase() === LANGUAGE_INFO.name) : (name ?? KERNEL_NAME) === KERNEL_NAME;
  if (ours) return undefined;
  const found = name === undefined ? [] : [`kernel "${name}"`];
  for (const language of new Set(languages)) found.push(`language ${language}`);
  return found.join(", ");
}

function field(object: unknown, key: string): unknown {
  return typeof object === "object" && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

function stringField(object: unknown, key: string): string | undefined {
  const value = field(object, key);
  return typeof value === "string" ? value : undefined;
}
