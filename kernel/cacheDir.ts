// The kernel's cache folder: data set downloads, and V8's compiled code of the TypeScript compiler.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** $TFJS_STUDIO_CACHE, else $XDG_CACHE_HOME/tfjs-studio, else ~/.cache/tfjs-studio. */
export function cacheDir(): string {
  if (process.env.TFJS_STUDIO_CACHE) return resolve(process.env.TFJS_STUDIO_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tfjs-studio");
}
