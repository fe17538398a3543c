// A Clock (kernel/inKernelModules/throttle.ts) whose time moves only when told, running due timers in order:
// throttled emissions become deterministic in tests and in the live-chart benchmark's simulated run.
import type { Clock } from "../../kernel/inKernelModules/throttle";

export class ManualClock implements Clock {
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(public time: number) {}

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clearTimeout(due.id);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}
