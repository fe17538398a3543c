// Whether the dynamic loader would find a shared library by its soname: in LD_LIBRARY_PATH's folders first, then in
// the loader cache. Native backends open their libraries this way at run time, so a missing one is known before.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface LibraryLookup {
  /** `ldconfig -p` output: the loader cache. */
  loaderCache(): string;
  /** Directories of LD_LIBRARY_PATH, searched before the cache. */
  libraryPath(): string[];
}

export const systemLibraryLookup: LibraryLookup = {
  loaderCache: () => runQuietly("ldconfig", ["-p"]) ?? runQuietly("/sbin/ldconfig", ["-p"]) ?? "",
  libraryPath: () => (process.env.LD_LIBRARY_PATH ?? "").split(delimiter).filter(Boolean),
};

/** A predicate over sonames that reads the loader cache once. */
export function libraryFinder(lookup: LibraryLookup): (soname: string) => boolean {
  const cache = lookup.loaderCache();
  const dirs = lookup.libraryPath();
  return (soname) =>
    dirs.some((dir) => statSync(join(dir, soname), { throwIfNoEntry: false })?.isFile() || false) ||
    new RegExp(`^\\s*${soname.replace(/\./g, "\\.")}\\s`, "m").test(cache);
}

/** A command's stdout, or undefined when it is missing or fails. */
export function runQuietly(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
  return result.status === 0 ? result.stdout : undefined;
}
