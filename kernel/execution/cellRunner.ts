// Runs a compiled cell on the main thread's global scope. The synchronous part runs under
// vm's breakOnSigint, so SIGINT stops `while (true) {}`; the asynchronous rest races the
// interrupt, so an interrupt also ends a pending await.
import { Script } from "node:vm";
import type { CompiledCell } from "../typescript/cellCompiler";
import { UserCodePhase } from "./interruptStates";
import { BEFORE_STARTING, InterruptedError, WHILE_RUNNING, type InterruptController } from "./interrupts";

export interface CellOutcome {
  /** Set when the cell ends in an expression statement. */
  result?: { value: unknown };
}

export interface UserCodeGuard {
  setUserCodePhase(phase: UserCodePhase): void;
  interruptPending(): boolean;
}

export class CellRunner {
  constructor(
    private readonly interrupts: InterruptController,
    private readonly guard: UserCodeGuard,
  ) {}

  async run(cell: CompiledCell, filename: string): Promise<CellOutcome> {
    const global = globalThis as Record<string, unknown>;
    // Cell code is strict; every name it declares must exist as a global before it assigns it.
    for (const name of cell.runtimeNames) if (!(name in global)) global[name] = undefined;
    // The wrapper sits on its own line, so emitted line N is reported as line N.
    const script = new Script(`(async () => {"use strict";\n${cell.js}\n})()`, { filename, lineOffset: -1 });
    // A SIGINT that came while the cell compiled reaches its listener only when the event loop next polls, and
    // breakOnSigint drops it if the script starts first (vm removes the SIGINT listeners, closing their handle).
    // The second turn is the one whose poll phase delivers it.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const interrupted = this.interrupts.begin();
    this.guard.setUserCodePhase(UserCodePhase.Synchronous);
    try {
      // An interrupt that came while the cell compiled stops it before it starts.
      if (this.interrupts.interruptedBeforeStart() || this.guard.interruptPending()) {
        this.interrupts.interrupt("message");
        throw new InterruptedError(BEFORE_STARTING);
      }
      let completion: Promise<unknown[] | undefined>;
      try {
        completion = script.runInThisContext({ breakOnSigint: true, displayErrors: false }) as Promise<unknown[] | undefined>;
      } catch (error) {
        if ((error as NodeJS.ErrnoException)?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
          this.interrupts.interrupt("signal");
          throw new InterruptedError(WHILE_RUNNING);
        }
        throw error;
      }
      // A cell abandoned by an interrupt may still reject later; that is not news.
      completion.catch(() => {});
      this.guard.setUserCodePhase(UserCodePhase.Asynchronous);
      const returned = await Promise.race([completion, interrupted]);
      return returned ? { result: { value: returned[0] } } : {};
    } finally {
      this.guard.setUserCodePhase(UserCodePhase.Idle);
      this.interrupts.end();
    }
  }
}
