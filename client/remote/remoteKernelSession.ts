// A kernel on a host reached over SSH, held from this machine: connect, prepare the host (Node, runtime), start a
// kernel detached or attach to a running one, forward its channels, and when the link drops, reconnect with backoff
// and carry on through the same local ports. The kernel outlives all of it; its lease ends it after an idle limit.
import type { ReadableFiles } from "../../common/readableFiles";
import type { ConnectionInfo } from "../../protocol/connectionFile";
import type { LinkState } from "../kernelHandle";
import type { SshPrompts } from "../ssh/sshAuthentication";
import { connectSsh, type SshConnection } from "../ssh/sshConnection";
import type { SshDestination } from "../ssh/sshDestination";
import { ChannelForwarder } from "./channelForwarder";
import { IopubRelay } from "./iopubRelay";
import { kernelRuntime } from "./kernelRuntime";
import { RemoteHost, type RemoteKernel } from "./remoteHost";
import { ShellRelay } from "./shellRelay";
import { SftpFiles } from "./sftpFiles";
import { nativePackagesDir, nativePackagesEnv, offerGpuPackage, type GpuOfferHandler } from "./remoteGpu";

/** A forgotten GPU kernel does not run for ever: it shuts down this long after its last client left. */
export const DEFAULT_IDLE_SHUTDOWN_S = 24 * 60 * 60;

/** Waits between reconnect attempts: quick at first, for a blip; then every 15 s. */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15_000];

export interface RemoteSessionOptions {
  destination: SshDestination;
  prompts: SshPrompts;
  knownHostsFile?: string;
  /** The host's folder for runtimes and kernels (default ~/.tfjs-studio). */
  root?: string;
  /** The host's node, when it is not on the PATH. */
  node?: string;
  /** A running kernel's id to attach to, instead of starting one. */
  attach?: string;
  idleShutdownS?: number;
  cwd?: string;
  env?: Record<string, string>;
  /** Offers tfjs-node-gpu on a host with an NVIDIA GPU that lacks it, before a new kernel starts; absent, no offer. */
  gpuOffer?: GpuOfferHandler;
  progress?(text: string): void;
  linkState?(state: LinkState, detail: string): void;
}

export class RemoteKernelSession {
  private closing = false;
  private linkUp = true;
  private readonly sftpFiles = new SftpFiles(() => (this.linkUp ? this.connection : undefined));

  private constructor(
    private connection: SshConnection,
    private readonly forwarder: ChannelForwarder,
    private readonly relay: IopubRelay,
    private readonly shellRelay: ShellRelay,
    private readonly options: RemoteSessionOptions,
    readonly kernel: RemoteKernel,
    /** What a local client connects to: local ports (IOPub's is the relay's), the kernel's key. */
    readonly localInfo: ConnectionInfo,
    /** Where the time went, for the figures: SSH, host preparation (upload included), kernel start or attach. */
    readonly timings: { connectMs: number; runtimeMs: number; kernelMs: number; uploaded: boolean },
  ) {
    this.watch(connection);
  }

  static async open(options: RemoteSessionOptions): Promise<RemoteKernelSession> {
    const progress = options.progress ?? (() => {});
    const started = performance.now();
    progress(`connecting to ${options.destination.label}`);
    const connection = await connectSsh(options.destination, { prompts: options.prompts, knownHostsFile: options.knownHostsFile });
    try {
      const connected = performance.now();
      const host = await RemoteHost.open(connection, { root: options.root, node: options.node });
      let kernel: RemoteKernel;
      let info: ConnectionInfo;
      let uploaded = false;
      let prepared = connected;
      try {
        if (options.attach) {
          ({ kernel, info } = await host.kernelConnection(options.attach));
          prepared = performance.now();
        } else {
          const runtime = await kernelRuntime();
          const ensured = await host.ensureRuntime(runtime, progress);
          uploaded = ensured.uploaded;
          if (options.gpuOffer) await offerGpuPackage(host, ensured.dir, runtime.tfjsVersion, options.cwd, options.gpuOffer, progress);
          prepared = performance.now();
          progress(`starting a kernel on ${options.destination.label} (Node ${host.nodeVersion})`);
          // Its tfjs-node-gpu, when the offer installed it (now or before), is found there.
          const env = { ...nativePackagesEnv(nativePackagesDir(host, runtime.tfjsVersion)), ...options.env };
          ({ kernel, info } = await host.startKernel(ensured.dir, runtime.version, { idleShutdownS: options.idleShutdownS ?? DEFAULT_IDLE_SHUTDOWN_S, cwd: options.cwd, env }));
        }
      } finally {
        host.close();
      }
      const forwarder = new ChannelForwarder(info);
      const tunnel = await forwarder.start(connection);
      await forwarder.check().catch(async (error: Error) => {
        forwarder.close();
        // A kernel started for nothing is not left running on the host.
        if (!options.attach) await connection.exec(`kill ${kernel.pid}`).catch(() => undefined);
        throw error;
      });
      // Local clients subscribe to the relay, which fills what a dropped link lost from the kernel's journal, and
      // send their requests through the shell relay, which does the same for the replies.
      let shellRelay: ShellRelay | undefined;
      const relay = await IopubRelay.start(tunnel, { label: options.destination.label, report: progress, passed: (message) => shellRelay?.iopubPassed(message) });
      shellRelay = await ShellRelay.start(tunnel, { askJournal: (content) => relay.askJournal(content), report: progress });
      const localInfo: ConnectionInfo = { ...tunnel, iopub_port: relay.port, shell_port: shellRelay.ports.shell, stdin_port: shellRelay.ports.stdin };
      const timings = { connectMs: connected - started, runtimeMs: prepared - connected, kernelMs: performance.now() - prepared, uploaded };
      return new RemoteKernelSession(connection, forwarder, relay, shellRelay, options, kernel, localInfo, timings);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** The host's files, read over SFTP on the current link (the metrics panel follows the kernel's run logs so). */
  get files(): ReadableFiles {
    return this.sftpFiles;
  }

  /** Ends the kernel at once (SIGKILL on the host), for a kernel that does not answer shutdown_request. */
  async killKernel(): Promise<void> {
    await this.connection.exec(`kill -KILL ${this.kernel.pid}`);
  }

  /** Stops forwarding and closes the link; the kernel runs on until its idle limit or a shutdown_request. */
  close(): void {
    this.closing = true;
    this.sftpFiles.close();
    this.relay.close();
    this.shellRelay.close();
    this.forwarder.close();
    this.connection.close();
    this.options.linkState?.("closed", `closed the link to ${this.options.destination.label}`);
  }

  private watch(connection: SshConnection): void {
    void connection.closed.then(() => {
      if (this.closing || connection !== this.connection) return;
      this.linkUp = false;
      this.forwarder.useConnection(undefined);
      void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    const label = this.options.destination.label;
    for (let attempt = 0; !this.closing; attempt++) {
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
      this.options.linkState?.("reconnecting", `the link to ${label} dropped; reconnecting (attempt ${attempt + 1}, in ${delay / 1000} s)`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closing) return;
      try {
        const connection = await connectSsh(this.options.destination, { prompts: this.options.prompts, knownHostsFile: this.options.knownHostsFile, readyTimeoutMs: 10_000 });
        if (this.closing) return void connection.close();
        // Forwarding first, so that output flows again at once; whether the kernel is still there is asked meanwhile
        // (one more command, which costs the user's shell start-up on the host).
        this.connection = connection;
        this.linkUp = true;
        this.forwarder.useConnection(connection);
        // What the kernel published while the link was down: asked for now, not at the next gap the relay notices.
        void this.relay.recover();
        this.watch(connection);
        const alive = await connection.exec(`kill -0 ${this.kernel.pid}`).then(({ code }) => code === 0, () => undefined);
        // The new link dropped too: its watch reconnects.
        if (alive === undefined) return;
        if (!alive) {
          this.closing = true;
          this.sftpFiles.close();
          this.relay.close();
          this.shellRelay.close();
          this.forwarder.close();
          connection.close();
          this.options.linkState?.("gone", `reconnected to ${label}, but kernel ${this.kernel.id} is no longer running there (shut down, or past its idle limit)`);
          return;
        }
        this.options.linkState?.("connected", `reconnected to ${label}; kernel ${this.kernel.id} is still there`);
        return;
      } catch (error) {
        this.options.progress?.(`reconnecting to ${label} failed: ${(error as Error).message}`);
      }
    }
  }
}
