// The one tfjs instance that the kernel and every cell share, and the hooks that run once it is loaded.
import type { Tfjs } from "../../tfjs/tfjsModule";

let instance: Tfjs | undefined;
const listeners: ((tf: Tfjs) => void)[] = [];

/** Called once by the backend loader when tfjs is loaded and its backend is ready. */
export function provideTfjs(tf: Tfjs): void {
  instance = tf;
  for (const listener of listeners.splice(0)) listener(tf);
}

/** Runs `listener` with the shared tfjs as soon as it is ready (at once if it already is). */
export function onTfjsReady(listener: (tf: Tfjs) => void): void {
  if (instance) listener(instance);
  else listeners.push(listener);
}

export function sharedTfjs(): Tfjs | undefined {
  return instance;
}
