// The kernel's cache folders: its own (V8's compiled code of the TypeScript compiler), and the data set downloads'.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** $XDG_CACHE_HOME/tfjs-studio, else ~/.cache/tfjs-studio. */
export function kernelCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tfjs-studio");
}

/** Where downloads are kept: $TFJS_STUDIO_CACHE, else kernelCacheDir(). */
export function cacheDir(): string {
  if (process.env.TFJS_STUDIO_CACHE) return resolve(process.env.TFJS_STUDIO_CACHE);
  return kernelCacheDir();
}
