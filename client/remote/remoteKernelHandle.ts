// A kernel on an SSH host as a KernelHandle, so that the extension runs it through the same session, client and
// output code as a local kernel. What differs: there is no process here to watch or signal, so the kernel counts
// as gone when it is asked to end or when a reconnect finds it no longer running; and letting go of it (detach)
// leaves it running on the host, for a reload or another client to reattach.
import { KernelClient } from "../kernelClient";
import type { KernelHandle, LinkState } from "../kernelHandle";
import { OutputTail } from "../outputTail";
import type { KernelExit } from "../processExit";
import type { JupyterMessage } from "../../protocol/messages";
import { SHUTDOWN_REPLY_TIMEOUT_MS } from "./remoteHost";
import { RemoteKernelSession, type RemoteSessionOptions } from "./remoteKernelSession";

const INTERRUPT_REPLY_TIMEOUT_MS = 5000;
const LOG_LINES = 200;

export interface RemoteKernelHandle extends KernelHandle {
  readonly session: RemoteKernelSession;
  /** True once let go of with detach: the kernel runs on. */
  readonly detached: boolean;
  detach(): void;
  onLinkState(listener: (state: LinkState, detail: string) => void): void;
}

export interface RemoteKernelOptions extends Omit<RemoteSessionOptions, "linkState"> {
  startTimeoutMs?: number;
}

export async function openRemoteKernel(options: RemoteKernelOptions): Promise<RemoteKernelHandle> {
  // What the link did (the kernel's own log stays on the host, in its folder).
  const log = new OutputTail(LOG_LINES);
  const linkListeners: ((state: LinkState, detail: string) => void)[] = [];
  let endKernel: (exit: KernelExit) => void = () => {};
  const exited = new Promise<KernelExit>((resolve) => (endKernel = resolve));
  let client: KernelClient | undefined;
  const session = await RemoteKernelSession.open({
    ...options,
    progress: (text) => {
      log.append(text);
      options.progress?.(text);
    },
    linkState: (state, detail) => {
      log.append(detail);
      for (const listener of linkListeners) listener(state, detail);
      if (state === "gone") {
        const description = `kernel ${session.kernel.id} is no longer running on ${options.destination.label} (shut down, or past its idle limit)`;
        client?.kernelDied(description);
        endKernel({ code: null, signal: null, description });
      }
    },
  });
  let kernelInfo: JupyterMessage;
  try {
    client = await KernelClient.connect(session.localInfo);
    kernelInfo = await client.waitForReady(options.startTimeoutMs);
  } catch (error) {
    client?.close();
    session.close();
    throw error;
  }
  const connected = client;
  const letGo = (exit?: KernelExit): void => {
    connected.close();
    session.close();
    if (exit) endKernel(exit);
  };
  const { kernel, localInfo } = session;
  let detached = false;
  return {
    session,
    client: connected,
    info: localInfo,
    kernelInfo,
    argv: [`${options.destination.label}:${kernel.cwd}`, `kernel ${kernel.id}`],
    pid: kernel.pid,
    exited,
    outputTail: () => log.text(),
    onOutputLine: (listener) => log.onLine(listener),
    onLinkState: (listener) => void linkListeners.push(listener),
    interrupt: async () => {
      await connected.request("control", "interrupt_request", {}, { timeoutMs: INTERRUPT_REPLY_TIMEOUT_MS });
    },
    shutdown: async (restart = false) => {
      try {
        await connected.request("control", "shutdown_request", { restart }, { timeoutMs: SHUTDOWN_REPLY_TIMEOUT_MS });
      } catch {
        // No answer (the link is down, the kernel is stuck): end it on the host.
        await session.killKernel().catch(() => undefined);
      }
      letGo({ code: 0, signal: null, description: `kernel ${kernel.id} on ${options.destination.label} was shut down` });
    },
    kill: () => {
      void session
        .killKernel()
        .catch(() => undefined)
        .finally(() => letGo({ code: null, signal: "SIGKILL", description: `kernel ${kernel.id} on ${options.destination.label} was killed` }));
    },
    get detached() {
      return detached;
    },
    detach: () => {
      detached = true;
      letGo({ code: null, signal: null, description: `left kernel ${kernel.id} running on ${options.destination.label}` });
    },
  };
}
