// The typescript package is large (about 0.25 s to load), so it is loaded on first use, not at kernel start.
import type * as TS from "typescript";

export type TypeScript = typeof TS;

let loaded: TypeScript | undefined;

export function loadTypeScript(): TypeScript {
  loaded ??= require("typescript") as TypeScript;
  return loaded;
}
