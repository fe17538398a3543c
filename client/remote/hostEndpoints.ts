// Model servers (`serve` from the host's runtime) on an SSH host, one folder each under <root>/endpoints/<name>/
// (0700): model.tar.gz, server.json (pid, port, bind address, start time) and server.log, each 0600. Started detached
// like kernels (RemoteHost.startDetached), so they outlive the SSH link; listed with their liveness, stopped, removed.
// Names are checked by the caller: they become folder names.
import { randomUUID } from "node:crypto";
import { quote } from "shell-quote";
import { RUNTIME_SERVER } from "./kernelRuntime";
import { PROCESS_ALIVE_FUNCTION, type DetachedStartAnswer, type RemoteHost } from "./remoteHost";

export const SERVER_META_FILE = "server.json";
export const SERVER_LOG_FILE = "server.log";
export const PACKAGE_FILE = "model.tar.gz";

/** What server.json holds, with whether the server runs now. */
export interface HostEndpoint {
  name: string;
  running: boolean;
  pid?: number;
  port?: number;
  bind?: string;
  /** ISO time the server was started. */
  started?: string;
  /** The model's name and version, from serving.json. */
  model?: string;
  runtime?: string;
}

export interface ServerStart {
  port: number;
  bind: string;
  runtimeDir: string;
  runtime: string;
  model: string;
  /** A regular expression (source) the server's log matches once it is ready. */
  readyPattern: string;
  timeoutMs: number;
  env?: Record<string, string>;
}

export class HostEndpoints {
  constructor(readonly host: RemoteHost) {}

  folder(name: string): string {
    return `${this.host.root}/endpoints/${name}`;
  }

  /** Every endpoint folder, running or not (a folder without server.json is a deploy that never started). */
  async list(): Promise<HostEndpoint[]> {
    return JSON.parse(await this.host.nodeScript(LIST_SCRIPT, [`${this.host.root}/endpoints`, SERVER_META_FILE])) as HostEndpoint[];
  }

  async find(name: string): Promise<HostEndpoint | undefined> {
    return (await this.list()).find((endpoint) => endpoint.name === name);
  }

  /** Uploads a package into the endpoint's folder beside the one it serves; returns its path there. */
  async stage(packagePath: string, name: string, progress: (percent: number) => void): Promise<string> {
    const folder = this.folder(name);
    await this.host.shell(quote(["mkdir", "-p", "-m", "700", this.host.root, `${this.host.root}/endpoints`, folder]));
    const staged = `${folder}/${PACKAGE_FILE}.${randomUUID().slice(0, 8)}.partial`;
    try {
      await this.host.upload(packagePath, staged, progress);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
    return staged;
  }

  /** Removes a staged package that was not put in place (a deploy that failed or was cancelled before). */
  async discard(staged: string): Promise<void> {
    await this.host.shell(quote(["rm", "-f", staged])).catch(() => {});
  }

  /** Puts the staged package in place and starts the server on it; the answer has its pid once it is ready. */
  async start(name: string, staged: string, options: ServerStart): Promise<DetachedStartAnswer> {
    const folder = this.folder(name);
    const model = `${folder}/${PACKAGE_FILE}`;
    await this.host.shell(quote(["mv", "-f", staged, model]));
    const started = new Date().toISOString();
    return this.host.startDetached({
      dir: folder,
      argv: [`${options.runtimeDir}/${RUNTIME_SERVER}`, model, "--port", String(options.port), "--host", options.bind],
      cwd: folder,
      env: options.env ?? {},
      meta: { name, port: options.port, bind: options.bind, started, model: options.model, runtime: options.runtime },
      metaFile: SERVER_META_FILE,
      logFile: SERVER_LOG_FILE,
      readyPattern: options.readyPattern,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Stops the server of an endpoint when it runs: SIGTERM (requests in flight finish), SIGKILL after `graceMs`. */
  async stop(endpoint: HostEndpoint, graceMs: number): Promise<void> {
    if (endpoint.running && endpoint.pid) await this.host.stopProcess(endpoint.pid, graceMs);
  }

  /** The last lines of an endpoint's server log. */
  async logTail(name: string, lines = 20): Promise<string[]> {
    const text = (await this.host.readText(`${this.folder(name)}/${SERVER_LOG_FILE}`)) ?? "";
    return text.trimEnd().split("\n").slice(-lines).filter(Boolean);
  }

  async remove(name: string): Promise<void> {
    await this.host.shell(quote(["rm", "-rf", this.folder(name)]));
  }
}

/** Lists endpoints/<name>/server.json with each server's liveness. */
const LIST_SCRIPT = `${PROCESS_ALIVE_FUNCTION}
const fs = require("fs"), path = require("path"); const [root, metaFile] = process.argv.slice(1); const out = [];
for (const name of fs.existsSync(root) ? fs.readdirSync(root).sort() : []) {
  if (!fs.statSync(path.join(root, name)).isDirectory()) continue;
  let meta = {}; try { meta = JSON.parse(fs.readFileSync(path.join(root, name, metaFile), "utf8")); } catch {}
  out.push({ ...meta, name, running: typeof meta.pid === "number" && alive(meta.pid) });
}
process.stdout.write(JSON.stringify(out));`;
