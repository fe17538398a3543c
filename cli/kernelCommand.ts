// `tfjs-studio kernel --connection-file FILE [--idle-shutdown-s N]`: the Jupyter kernel. Jupyter and VS Code start it
// with its parent watching; a remote host starts it detached, with a lease instead (--idle-shutdown-s).
import { runKernel } from "../kernel/kernelMain";
import { parseCommandLine, usageError } from "./commandLine";

const USAGE = `usage: tfjs-studio kernel --connection-file FILE [--idle-shutdown-s SECONDS [--state-file FILE]]

Starts the Jupyter kernel on the ports and key in FILE (port 0: any free port, written back to FILE).
Jupyter, VS Code and tfjs-studio run start it for you.
  --idle-shutdown-s N  run detached: outlive the process that started it, and shut down N seconds after the
                       last message from any client (a heartbeat counts); remote kernels run this way
  --state-file FILE    with --idle-shutdown-s: where the kernel records busy or idle, for listings
`;

export async function startKernel(args: string[]): Promise<number | undefined> {
  const options = { "connection-file": { type: "string", short: "f" }, "idle-shutdown-s": { type: "string" }, "state-file": { type: "string" } } as const;
  const commandLine = parseCommandLine("kernel", args, options, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  const file = values["connection-file"];
  if (!file || positionals.length > 0) return usageError("kernel", file ? `unexpected ${positionals.join(" ")}` : "--connection-file FILE is required", () => USAGE);
  const idle = values["idle-shutdown-s"];
  const idleSeconds = idle === undefined ? undefined : Number(idle);
  if (idleSeconds !== undefined && !(idleSeconds > 0)) return usageError("kernel", `--idle-shutdown-s ${idle} must be a number of seconds above 0`, () => USAGE);
  if (values["state-file"] !== undefined && idleSeconds === undefined) return usageError("kernel", "--state-file goes with --idle-shutdown-s", () => USAGE);
  await runKernel(file, idleSeconds === undefined ? {} : { lease: { idleMs: idleSeconds * 1000, stateFile: values["state-file"] } });
  return undefined; // keeps running until shutdown
}
