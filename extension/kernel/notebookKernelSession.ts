// One notebook's kernel across starts, restarts and deaths: its process, its state from IOPub status, its
// kernel_info. Only vscode types: the process is launched by the function the registry passes in.
import type * as vscode from "vscode";
import type { KernelClient } from "../../client/kernelClient";
import type { KernelHandle, LinkState } from "../../client/kernelHandle";
import { describeExit, type KernelExit } from "../../client/processExit";
import type { JupyterMessage } from "../../protocol/messages";
import type { KernelState, NotebookKernelSession } from "./sessionTypes";

export interface KernelLaunch {
  launched: KernelHandle;
  runtimeDescription: string;
  /** The SSH host of a remote kernel. */
  host?: string;
}

/** Where a notebook's kernels come from: this machine, or an SSH host (one source a notebook controller). */
export interface KernelSource {
  launch(notebook: vscode.NotebookDocument): Promise<KernelLaunch>;
}

export interface KernelEnd {
  session: NotebookKernelSession;
  exit: KernelExit;
  /** True when the process ended without being asked to: a crash, an OOM kill, process.exit in a cell. */
  unexpected: boolean;
  /** How it ended, with the kernel's last output lines when it died. */
  reason: string;
}

export interface SessionListener {
  changed(session: NotebookKernelSession): void;
  ended(end: KernelEnd): void;
}

const STATUS_STATES: Record<string, KernelState> = { restarting: "restarting", dead: "dead" };

export class NotebookKernelSessionImpl implements NotebookKernelSession {
  state: KernelState = "starting";
  kernelInfo: Record<string, unknown> | undefined;
  runtimeDescription: string | undefined;
  host: string | undefined;
  private launched: KernelHandle | undefined;
  /** The requests the kernel reported busy with and not yet idle: a completion finishing during a cell's run leaves it busy. */
  private readonly busyRequests = new Set<string>();
  private starting: Promise<KernelHandle> | undefined;
  /** Set while we stop the process, so that its exit does not count as a death. */
  private stopping = false;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    readonly source: KernelSource,
    private readonly listener: SessionListener,
  ) {}

  get client(): KernelClient | undefined {
    return this.launched?.client;
  }

  /** The running kernel, started first if there is none; concurrent callers share one start. */
  ensureStarted(): Promise<KernelHandle> {
    if (this.launched) return Promise.resolve(this.launched);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** True once we asked the current process to stop; its pending executions then fail without it being a death. */
  get isStopping(): boolean {
    return this.stopping;
  }

  async restart(): Promise<void> {
    this.setState("restarting");
    await this.stop();
    await this.ensureStarted();
  }

  async shutdown(): Promise<void> {
    await this.stop();
    this.setState("shutdown");
  }

  /** Lets go of the kernel: a remote one is left running on its host (for a reload to reattach), a local one stopped. */
  async release(): Promise<void> {
    const starting = this.starting;
    if (starting) await starting.catch(() => undefined);
    const launched = this.launched;
    if (!launched?.detach) return this.shutdown();
    this.stopping = true;
    launched.detach();
    this.setState("shutdown");
  }

  async interrupt(): Promise<void> {
    await this.launched?.interrupt();
  }

  private async start(): Promise<KernelHandle> {
    // A start in the middle of a restart keeps showing "restarting" until the kernel answers.
    if (this.state !== "restarting") this.setState("starting");
    this.kernelInfo = undefined;
    let launch: KernelLaunch;
    try {
      launch = await this.source.launch(this.notebook);
    } catch (error) {
      this.setState("dead");
      throw error;
    }
    const { launched } = launch;
    this.stopping = false;
    this.busyRequests.clear();
    this.launched = launched;
    this.runtimeDescription = launch.runtimeDescription;
    this.host = launch.host;
    this.kernelInfo = launched.kernelInfo.content;
    launched.client.on("iopub", (message) => this.onIopub(launched, message));
    launched.onLinkState?.((state) => this.onLinkState(launched, state));
    void launched.exited.then((exit) => this.onExit(launched, exit));
    this.setState("idle");
    return launched;
  }

  private async stop(): Promise<void> {
    const starting = this.starting;
    if (starting) await starting.catch(() => undefined);
    const launched = this.launched;
    if (!launched) return;
    this.stopping = true;
    await launched.shutdown();
  }

  private onIopub(launched: KernelHandle, message: JupyterMessage): void {
    // A kernel being stopped still reports busy and idle for the shutdown request: not news to the user.
    if (launched !== this.launched || this.stopping || message.header.msg_type !== "status") return;
    const status = String(message.content.execution_state);
    const msgId = (message.parent_header as { msg_id?: unknown }).msg_id;
    const parent = typeof msgId === "string" ? msgId : "";
    if (status === "busy") this.busyRequests.add(parent);
    else if (status === "idle") this.busyRequests.delete(parent);
    else if (status === "starting") return;
    const state = status === "busy" || status === "idle" ? (this.busyRequests.size > 0 ? "busy" : "idle") : STATUS_STATES[status];
    // While the link is down the state stays "reconnecting"; it is worked out again when the link is back.
    if (state && state !== this.state && this.state !== "reconnecting") this.setState(state);
  }

  private onLinkState(launched: KernelHandle, state: LinkState): void {
    if (launched !== this.launched || this.stopping) return;
    if (state === "reconnecting" && this.state !== "reconnecting") this.setState("reconnecting");
    // The relay replays the statuses missed meanwhile, so busyRequests is right again.
    else if (state === "connected") this.setState(this.busyRequests.size > 0 ? "busy" : "idle");
  }

  private onExit(launched: KernelHandle, exit: KernelExit): void {
    if (launched !== this.launched) return;
    this.launched = undefined;
    const unexpected = !this.stopping;
    const tail = launched.outputTail();
    const reason = unexpected ? `The ${describeExit(exit)}.${tail ? `\nLast kernel output:\n${tail}` : ""}` : `The kernel was stopped.`;
    if (this.state !== "restarting") this.setState(unexpected ? "dead" : "shutdown");
    this.listener.ended({ session: this, exit, unexpected, reason });
  }

  private setState(state: KernelState): void {
    this.state = state;
    this.listener.changed(this);
  }
}
