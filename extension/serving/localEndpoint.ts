// The local endpoint: one `tfjs-studio serve` child process at a time, its state for the status bar, and its log
// in an output channel. Stopping sends SIGTERM, which lets the requests in flight finish; closing the window stops
// it too (deactivate waits for stop()).
import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ServingManifest } from "../../protocol/servingManifest";
import { readPackagedManifest } from "../../serving/package/packagedManifest";
import { parseReadyLine } from "../../serving/server/readyLine";
import { killWhenWeExit } from "../../client/killOnExit";
import { spawnStudioCli } from "./studioCli";

export type EndpointState =
  | { kind: "stopped" }
  | { kind: "starting"; archive: string; manifest: ServingManifest }
  | { kind: "running"; archive: string; manifest: ServingManifest; url: string; backend: string };

/** How long a stopping server may finish its requests before it is killed. */
const STOP_GRACE_MS = 30_000;

export class LocalEndpoint implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private current: EndpointState = { kind: "stopped" };
  private readonly changed = new vscode.EventEmitter<EndpointState>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.OutputChannel) {}

  get state(): EndpointState {
    return this.current;
  }

  /** The endpoint when it is serving. */
  running(): Extract<EndpointState, { kind: "running" }> | undefined {
    return this.current.kind === "running" ? this.current : undefined;
  }

  /** Serves archive on the configured port (a free one when that is taken); resolves once the model is loaded. */
  async start(archive: string): Promise<Extract<EndpointState, { kind: "running" }>> {
    const manifest = await readPackagedManifest(archive);
    await this.stop();
    const port = vscode.workspace.getConfiguration("tfjsStudio").get<number>("endpoint.port", 8080);
    this.setState({ kind: "starting", archive, manifest });
    try {
      return await this.serve(archive, manifest, port).catch((error: Error) => {
        if (port === 0 || !/EADDRINUSE/.test(error.message)) throw error;
        this.log.appendLine(`Port ${port} is taken: serving on a free port instead.`);
        return this.serve(archive, manifest, 0);
      });
    } catch (error) {
      this.setState({ kind: "stopped" });
      throw error;
    }
  }

  /** Ends the server after its requests in flight; resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
    this.setState({ kind: "stopped" });
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private async serve(archive: string, manifest: ServingManifest, port: number): Promise<Extract<EndpointState, { kind: "running" }>> {
    const child = await spawnStudioCli(["serve", archive, "--port", String(port)], path.dirname(archive));
    this.child = child;
    // The window closing without deactivate (a crash of the extension host) must not leave the port taken.
    const forget = killWhenWeExit(() => child.kill("SIGTERM"));
    child.once("close", forget);
    this.log.appendLine(`$ tfjs-studio serve ${archive} --port ${port}`);
    return new Promise((resolve, reject) => {
      let stderr = "";
      let ready = false;
      child.stdout?.on("data", (chunk: Buffer) => this.log.append(chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        this.log.append(text);
        if (ready) return;
        stderr += text;
        const server = parseReadyLine(stderr);
        if (!server) return;
        ready = true;
        const running = { kind: "running" as const, archive, manifest, url: server.url, backend: server.backend };
        this.setState(running);
        resolve(running);
      });
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!ready) {
          reject(new Error(stderr.trim().split("\n").pop()?.replace(/^tfjs-studio serve: /, "") ?? `tfjs-studio serve exited with ${code ?? signal}`));
          return;
        }
        if (this.child === undefined && this.current.kind !== "stopped") {
          this.setState({ kind: "stopped" });
          if (signal !== "SIGTERM" && code !== 0) void vscode.window.showErrorMessage(`TF.js Studio: the local endpoint for ${manifest.name} stopped (${code ?? signal}); its log is in the "TF.js Studio Endpoint" output.`);
        }
      });
    });
  }

  private setState(state: EndpointState): void {
    this.current = state;
    this.changed.fire(state);
  }
}
