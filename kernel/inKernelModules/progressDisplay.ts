// One output that a long task keeps updating (a progress bar with a text line), throttled so that
// fast progress does not flood the frontend. Outside the kernel it writes lines to stderr instead.
import { randomUUID } from "node:crypto";
import { display } from "./display";
import { escapeHtml } from "../../protocol/escapeHtml";
import { kernelIO } from "./kernelIO";
import { Throttle } from "./throttle";

const MIN_INTERVAL_MS = 250;

export class ProgressDisplay {
  private readonly displayId = `progress-${randomUUID()}`;
  private shown = false;
  private latest: { text: string; fraction?: number } = { text: "" };
  private readonly throttle = new Throttle(() => this.show(), MIN_INTERVAL_MS);
  private readonly inKernel = isInsideKernel();

  /** `fraction` in [0, 1], or undefined when the total is unknown. Shown at most every 250 ms, the latest state last. */
  update(text: string, fraction?: number): void {
    this.latest = { text, fraction };
    this.throttle.request();
  }

  /** The final state, always shown. */
  finish(text: string, fraction = 1): void {
    this.latest = { text, fraction };
    this.throttle.flush();
  }

  private show(): void {
    const { text, fraction } = this.latest;
    if (!this.inKernel) {
      process.stderr.write(`${text}\n`);
      return;
    }
    const value = fraction === undefined ? "" : ` value="${fraction.toFixed(3)}" max="1"`;
    const html = `<div><progress${value} style="width: 20em"></progress> <span>${escapeHtml(text)}</span></div>`;
    display.bundle({ "text/plain": text, "text/html": html }, { displayId: this.displayId, update: this.shown });
    this.shown = true;
  }
}

function isInsideKernel(): boolean {
  try {
    return Boolean(kernelIO().currentParent());
  } catch {
    return false;
  }
}

