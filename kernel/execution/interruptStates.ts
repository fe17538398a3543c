// The states an interrupt meets, and what it does in each. The socket worker starts every interrupt (it must:
// the main thread may be blocked); the main thread ends the cell (InterruptController) or training
// (ActiveTrainings). The phase lives in memory both threads share (SharedSlot.UserCodePhase).
//
//   phase                              what the interrupt does
//   Idle (no cell)                     nothing, as in ipykernel
//   Compiling (request taken, cell     the cell never starts: InterruptController.beforeStart, checked by
//     not begun)                       CellRunner just before it runs the script
//   Synchronous (the cell's code up    SIGINT, which vm's breakOnSigint turns into an exception at once; sent
//     to its first await)              again if it came just before vm began watching
//   Asynchronous (after an await)      the worker's message rejects the cell on the main thread; if the main
//                                      thread has not taken it after a grace, user code spins there, and its
//                                      JavaScript is terminated (the main thread is told, so a fit it stranded
//                                      is abandoned at once)
//     ...tfjs computes a batch         the wait is longer: training stops at the batch end, and terminating
//                                      tfjs mid-batch would corrupt it; a user callback is not the batch

export const enum UserCodePhase {
  Idle = 0,
  Synchronous = 1,
  Asynchronous = 2,
}

/** How long the main thread gets to act on an interrupt before the worker escalates. */
export const INTERRUPT_GRACE_MS = 300;
/** The longest a training batch may compute on after an interrupt before its JavaScript is terminated. */
const TRAINING_BATCH_WAIT_MS = 30_000;

/** What the worker does next for an interrupt the main thread has not acted on after a grace period. */
export type Escalation = "signal-again" | "wait" | "terminate" | "nothing";

export function escalation(phase: UserCodePhase, inTrainingBatch: boolean, waitedMs: number): Escalation {
  if (phase === UserCodePhase.Synchronous) return "signal-again";
  if (phase !== UserCodePhase.Asynchronous) return "nothing";
  return inTrainingBatch && waitedMs < TRAINING_BATCH_WAIT_MS ? "wait" : "terminate";
}
