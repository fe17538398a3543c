// When the kernel starts loading tfjs. The load's synchronous part holds the main thread for a few hundred ms, and
// a new kernel's first cell waited behind it even when it did not use tfjs. So the load starts at the first of: a
// cell whose code names a tfjs package (the load then overlaps its compile), an import (the module loader waits for
// tfjs before anything but a built-in), the end of a cell, or LOAD_AFTER_MS after the start if no cell came.
import { isTfjsSpecifier } from "./tfjsModuleMap";

/** Long enough for a client that starts a kernel to run a cell to send it (Jupyter sends it at kernel_info). */
const LOAD_AFTER_MS = 1000;
const TFJS_PACKAGE_IN_CODE = /["'](@tensorflow\/tfjs[\w/-]*)["']/g;

export class TfjsLoadGate {
  /** Resolves when the load may start. */
  readonly opened: Promise<void>;
  private openGate!: () => void;
  private readonly noCellTimer: NodeJS.Timeout;

  constructor(loadAfterMs = LOAD_AFTER_MS) {
    this.opened = new Promise((resolve) => (this.openGate = resolve));
    this.noCellTimer = setTimeout(() => this.open(), loadAfterMs).unref();
  }

  open(): void {
    clearTimeout(this.noCellTimer);
    this.openGate();
  }

  /** A cell that names no tfjs package runs first: its end opens the gate. */
  cellStarting(code: string): void {
    clearTimeout(this.noCellTimer);
    for (const [, specifier] of code.matchAll(TFJS_PACKAGE_IN_CODE)) if (isTfjsSpecifier(specifier)) return this.open();
  }
}
