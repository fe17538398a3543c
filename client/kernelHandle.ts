// What a caller holds of a running kernel, wherever it runs: its client and how to stop it. A local process
// (kernelLauncher.ts) is one implementation; a kernel on another machine is another.
import type { ConnectionInfo } from "../protocol/connectionFile";
import type { JupyterMessage } from "../protocol/messages";
import type { KernelClient } from "./kernelClient";
import type { KernelExit } from "./processExit";

/** The link to a kernel on another machine: "gone" when the kernel is no longer running there; "closed" when we let go. */
export type LinkState = "connected" | "reconnecting" | "gone" | "closed";

export interface KernelHandle {
  client: KernelClient;
  info: ConnectionInfo;
  /** The kernel_info_reply the kernel answered at startup. */
  kernelInfo: JupyterMessage;
  /** The command that runs the kernel, connection file filled in. */
  argv: string[];
  /** The kernel's process id, for logs (and signals, where the process is local). */
  pid: number | undefined;
  /** Resolves when the kernel is gone; its client is closed by then. */
  exited: Promise<KernelExit>;
  /** The last lines the kernel wrote to stdout and stderr. */
  outputTail(): string;
  /** Calls listener with each whole line the kernel writes from now on. */
  onOutputLine(listener: (line: string) => void): void;
  /** Sends interrupt_request on control and waits for the reply. */
  interrupt(): Promise<void>;
  /** Asks the kernel to shut down and waits for it to exit, killing it when it takes too long. */
  shutdown(restart?: boolean): Promise<void>;
  /** Ends the kernel at once; await `exited` to know it is gone. */
  kill(): void;
  /** A kernel that outlives its client (on another machine): lets go of it and leaves it running. */
  detach?(): void;
  /** A kernel reached over a link that drops: calls listener as the link goes down and comes back. */
  onLinkState?(listener: (state: LinkState, detail: string) => void): void;
}
