// `tfjs-studio kernel --connection-file FILE [--idle-shutdown-s N]`: the Jupyter kernel. Jupyter and VS Code start it
// with its parent watching; a remote host starts it detached, with a lease instead (--idle-shutdown-s).
import { runKernel } from "../kernel/kernelMain";
import { DEFAULT_JOURNAL_LIMITS } from "../protocol/iopubJournal";
import { parseCommandLine, usageError } from "./commandLine";

const USAGE = `usage: tfjs-studio kernel --connection-file FILE [--idle-shutdown-s SECONDS [--state-file FILE] [--iopub-journal N]]

Starts the Jupyter kernel on the ports and key in FILE (port 0: any free port, written back to FILE).
Jupyter, VS Code and tfjs-studio run start it for you.
  --idle-shutdown-s N  run detached: outlive the process that started it, and shut down N seconds after the
                       last message from any client (a heartbeat counts); remote kernels run this way
  --state-file FILE    with --idle-shutdown-s: where the kernel records busy or idle, for listings
  --iopub-journal N    with --idle-shutdown-s: how many recent output messages the kernel keeps for clients whose
                       link dropped (default ${DEFAULT_JOURNAL_LIMITS.messages}, and at most ${DEFAULT_JOURNAL_LIMITS.bytes / 1024 / 1024} MB)
`;

export async function startKernel(args: string[]): Promise<number | undefined> {
  const options = { "connection-file": { type: "string", short: "f" }, "idle-shutdown-s": { type: "string" }, "state-file": { type: "string" }, "iopub-journal": { type: "string" } } as const;
  const commandLine = parseCommandLine("kernel", args, options, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  const file = values["connection-file"];
  if (!file || positionals.length > 0) return usageError("kernel", file ? `unexpected ${positionals.join(" ")}` : "--connection-file FILE is required", () => USAGE);
  const idle = values["idle-shutdown-s"];
  const idleSeconds = idle === undefined ? undefined : Number(idle);
  if (idleSeconds !== undefined && !(idleSeconds > 0)) return usageError("kernel", `--idle-shutdown-s ${idle} must be a number of seconds above 0`, () => USAGE);
  if (values["state-file"] !== undefined && idleSeconds === undefined) return usageError("kernel", "--state-file goes with --idle-shutdown-s", () => USAGE);
  const journal = values["iopub-journal"];
  const journalMessages = journal === undefined ? DEFAULT_JOURNAL_LIMITS.messages : Number(journal);
  if (!(Number.isInteger(journalMessages) && journalMessages > 0)) return usageError("kernel", `--iopub-journal ${journal} must be a whole number above 0`, () => USAGE);
  if (journal !== undefined && idleSeconds === undefined) return usageError("kernel", "--iopub-journal goes with --idle-shutdown-s", () => USAGE);
  const journalLimits = { ...DEFAULT_JOURNAL_LIMITS, messages: journalMessages };
  await runKernel(file, idleSeconds === undefined ? {} : { lease: { idleMs: idleSeconds * 1000, stateFile: values["state-file"], journalLimits } });
  return undefined; // keeps running until shutdown
}
