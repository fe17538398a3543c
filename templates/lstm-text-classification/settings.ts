// Notebook settings read from environment variables, so that a script or a test can change them without editing
// the notebook (e.g. `EPOCHS=2 tfjs-studio run notebook.ipynb`). A bad value is an error that names the variable.

export function envString(name: string, fallback: string): string {
  return process.env[name]?.trim() || fallback;
}

export function envOptional(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

/** An integer (or, with `integer: false`, any number) no smaller than `min`. */
export function envNumber(name: string, fallback: number, { integer = true, min = 1 }: { integer?: boolean; min?: number } = {}): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? "an integer" : "a number"} of at least ${min}, got "${raw}"`);
  }
  return value;
}

export function envBoolean(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new Error(`${name} must be true or false (or 1 or 0), got "${process.env[name]}"`);
}

export function envChoice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  return raw as T;
}
