// The wasm backend's Emscripten runtime, when it starts in Node, adds process handlers that rethrow every
// uncaught exception and unhandled rejection. A throw inside those handlers is fatal, so any error in a
// cell's timer or promise would end the kernel instead of being shown. This keeps them from staying.
const EVENTS = new Set(["uncaughtException", "unhandledRejection"]);
/** Emscripten's two handlers: `if (!(ex instanceof ExitStatus)) throw ex;` and `throw reason;`. */
const EMSCRIPTEN_RETHROW = [/instanceof ExitStatus\)\)\s*\{?\s*throw ex;?\s*\}?\s*\}$/, /^function\s*\(reason\)\s*\{\s*throw reason;?\s*\}$/];

let watching = false;

export function dropEmscriptenProcessHandlers(): void {
  if (watching) return;
  watching = true;
  // 'newListener' comes just before the listener is added, so it is removed on the next tick.
  process.on("newListener", (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (typeof event !== "string" || !EVENTS.has(event)) return;
    const source = Function.prototype.toString.call(listener);
    if (EMSCRIPTEN_RETHROW.some((pattern) => pattern.test(source))) process.nextTick(() => process.removeListener(event, listener));
  });
}
