// An SSH host as a deploy provider: the model server (`serve` from the runtime remote kernels use, uploaded once per
// version) runs detached on the host, one folder an endpoint (client/remote/hostEndpoints.ts). A deploy uploads the
// package with progress, stops the endpoint's previous server only once the new package is there, starts the new
// one, and checks /ping and a test invocation through a port forwarded over the SSH connection.
// It lives in cli/ because it joins client/ (SSH, the host) and serving/ (the provider interface, the ready line,
// the test call), which may not import each other; the extension runs it through `tfjs-studio deploy ssh`.
import { RemoteHost } from "../client/remote/remoteHost";
import { RemoteHostError } from "../client/remote/remoteHostError";
import { HostEndpoints, type HostEndpoint } from "../client/remote/hostEndpoints";
import { kernelRuntime } from "../client/remote/kernelRuntime";
import { PortForwarder } from "../client/remote/portForwarder";
import { connectSsh, SshConnectError, type SshConnection } from "../client/ssh/sshConnection";
import type { SshPrompts } from "../client/ssh/sshAuthentication";
import type { SshDestination } from "../client/ssh/sshDestination";
import type { ServingManifest } from "../protocol/servingManifest";
import { DeployCancelled, DeployError, type CloudEndpoint, type DeployOutcome, type DeployProgress, type DeployProvider } from "../serving/deploy/deployProvider";
import { deploySteps } from "../serving/deploy/deploySteps";
import { testInvocation } from "../serving/deploy/testInvocation";
import { ENDPOINT_NAME_PATTERN } from "../serving/deploy/sagemaker/deployRequest";
import { readPackagedManifest } from "../serving/package/packagedManifest";
import { parseReadyLine, READY_PATTERN } from "../serving/server/readyLine";

export const DEFAULT_HOST_PORT = 8080;
export const DEFAULT_BIND = "127.0.0.1";
/** How long a server gets to load its model and print its ready line. */
const START_TIMEOUT_MS = 120_000;
/** After SIGTERM, a server gets this long to finish its requests before it is killed. */
const STOP_GRACE_MS = 5000;

export interface SshHostDeployRequest {
  /** A model.tar.gz from tfjs-studio package. */
  packagePath: string;
  name: string;
  /** The port on the host. */
  port: number;
  /** The address the server listens on, on the host: 127.0.0.1 keeps it to the host (reach it through SSH). */
  bind: string;
  /** TFJS_STUDIO_BACKEND for the server. */
  backend?: string;
}

export interface SshHostOptions {
  destination: SshDestination;
  prompts: SshPrompts;
  knownHostsFile?: string;
  /** The host's folder for runtimes, kernels and endpoints (default ~/.tfjs-studio). */
  root?: string;
  node?: string;
}

export class SshHostProvider implements DeployProvider<SshHostDeployRequest> {
  readonly name = "ssh";

  constructor(private readonly options: SshHostOptions) {}

  private get label(): string {
    return this.options.destination.label;
  }

  async deploy(request: SshHostDeployRequest, progress: DeployProgress, signal?: AbortSignal): Promise<DeployOutcome> {
    const problem = requestProblem(request);
    if (problem) throw new DeployError(`cannot deploy: ${problem}`);
    const manifest = await readPackagedManifest(request.packagePath).catch((error: Error) => {
      throw new DeployError(error.message, {}, { cause: error });
    });
    let serverStarted = false;
    const { step, stepSeconds } = deploySteps(progress, signal, (name) =>
      new DeployCancelled(`cancelled before "${name}": ${serverStarted ? `the server of ${request.name} runs on ${this.label}; delete it with tfjs-studio delete-endpoint ${request.name} --ssh ${this.label}` : `no new server was started on ${this.label}`}`),
    );
    return this.onHost(step, async (connection, host, endpoints) => {
      const runtime = await step("Preparing the host", async () => {
        const archive = await kernelRuntime();
        const { dir } = await host.ensureRuntime(archive, (text) => progress.report("Preparing the host", text));
        return { dir, version: archive.version };
      });
      const existing = await endpoints.list();
      const previous = existing.find((endpoint) => endpoint.name === request.name);
      const clash = existing.find((endpoint) => endpoint.name !== request.name && endpoint.running && endpoint.port === request.port);
      if (clash) throw new DeployError(`port ${request.port} on ${this.label} is taken by endpoint ${clash.name} (${clash.bind}:${clash.port}): choose another with --port, or delete that one`);
      const staged = await step("Uploading model.tar.gz", () => endpoints.stage(request.packagePath, request.name, (percent) => progress.report("Uploading model.tar.gz", `${percent}%`)));
      let ready;
      try {
        if (previous?.running) await step("Stopping the previous server", () => endpoints.stop(previous, STOP_GRACE_MS));
        ready = await step("Starting the server", async () => {
          serverStarted = true;
          return this.startServer(endpoints, request, manifest, staged, runtime);
        });
      } finally {
        // Put in place as the server starts; left over only when it never got there.
        await endpoints.discard(staged);
      }
      const forwarder = new PortForwarder(connection);
      try {
        // A server on every address answers on the host's loopback too.
        const target = request.bind === "0.0.0.0" || request.bind === "::" ? "127.0.0.1" : request.bind;
        const local = `http://127.0.0.1:${await forwarder.forward(target, request.port)}`;
        await step("Checking /ping", async () => {
          await forwarder.check(target, request.port, "the endpoint's port");
          await ping(local, request.name);
        });
        const testCall = await step("Testing the endpoint", () => testInvocation(manifest, { kind: "local", url: new URL(local) }, request.name, "running"));
        return {
          action: previous ? "updated" : "created",
          testInvocation: testCall,
          stepSeconds,
          endpoint: { ...this.cloudEndpoint({ name: request.name, running: true, port: request.port, bind: request.bind, model: `${manifest.name} ${manifest.version}`, started: new Date().toISOString() }), capacity: `${manifest.name} ${manifest.version} on ${ready.backend}` },
        };
      } finally {
        forwarder.close();
      }
    });
  }

  async listEndpoints(): Promise<CloudEndpoint[]> {
    return this.onHost(undefined, async (_connection, _host, endpoints) => (await endpoints.list()).map((endpoint) => this.cloudEndpoint(endpoint)));
  }

  async deleteEndpoint(name: string, progress: DeployProgress): Promise<void> {
    if (!ENDPOINT_NAME_PATTERN.test(name)) throw new DeployError(nameProblem(name));
    await this.onHost(undefined, async (_connection, _host, endpoints) => {
      const endpoint = await endpoints.find(name);
      if (!endpoint) throw new DeployError(`no endpoint ${name} on ${this.label}; list them with tfjs-studio endpoints --ssh ${this.label}`);
      if (endpoint.running) {
        progress.report("Stopping the server");
        await endpoints.stop(endpoint, STOP_GRACE_MS);
      }
      progress.report("Removing its folder");
      await endpoints.remove(name);
    });
  }

  /** Starts the server on the staged package; a server that exits or is not ready in time is a DeployError with its log. */
  private async startServer(endpoints: HostEndpoints, request: SshHostDeployRequest, manifest: ServingManifest, staged: string, runtime: { dir: string; version: string }) {
    const answer = await endpoints.start(request.name, staged, {
      port: request.port,
      bind: request.bind,
      runtimeDir: runtime.dir,
      runtime: runtime.version,
      model: `${manifest.name} ${manifest.version}`,
      readyPattern: READY_PATTERN.source,
      timeoutMs: START_TIMEOUT_MS,
      env: request.backend ? { TFJS_STUDIO_BACKEND: request.backend } : {},
    });
    const ready = answer.ready === undefined ? undefined : parseReadyLine(answer.ready);
    if (answer.pid && ready) return ready;
    // Not ready in time: it is stopped rather than left half-started.
    const left = await endpoints.find(request.name);
    if (left) await endpoints.stop(left, STOP_GRACE_MS);
    const logLines = (answer.log ?? "").split("\n").filter(Boolean);
    if (/EADDRINUSE/.test(answer.log ?? "")) {
      throw new DeployError(`port ${request.port} is already in use on ${this.label} (${request.bind}): choose another with --port`, { reason: "EADDRINUSE", logLines, hint: `see what listens there with: ssh ${this.label} ss -ltnp` });
    }
    if (/EADDRNOTAVAIL/.test(answer.log ?? "")) {
      throw new DeployError(`${request.bind} is not an address of ${this.label}: give one of its addresses with --bind, or 127.0.0.1`, { reason: "EADDRNOTAVAIL", logLines });
    }
    throw new DeployError(`the server of ${request.name} on ${this.label}: ${answer.error ?? "no answer"}`, { reason: answer.error, logLines });
  }

  /** Connects, opens the host and runs `work`; SSH and host failures become DeployErrors with their own messages. */
  private async onHost<T>(step: (<R>(name: string, work: () => Promise<R>) => Promise<R>) | undefined, work: (connection: SshConnection, host: RemoteHost, endpoints: HostEndpoints) => Promise<T>): Promise<T> {
    const open = async () => {
      const connection = await connectSsh(this.options.destination, this.options);
      try {
        return { connection, host: await RemoteHost.open(connection, this.options) };
      } catch (error) {
        connection.close();
        throw error;
      }
    };
    try {
      const { connection, host } = await (step ? step("Connecting over SSH", open) : open());
      try {
        return await work(connection, host, new HostEndpoints(host));
      } finally {
        host.close();
        connection.close();
      }
    } catch (error) {
      if (error instanceof SshConnectError || error instanceof RemoteHostError) throw new DeployError(error.message, {}, { cause: error });
      if (error instanceof DeployError || error instanceof DeployCancelled) throw error;
      throw new DeployError(`on ${this.label}: ${(error as Error).message}`, {}, { cause: error });
    }
  }

  private cloudEndpoint(endpoint: HostEndpoint): CloudEndpoint {
    return {
      provider: this.name,
      name: endpoint.name,
      status: endpoint.running ? "running" : "stopped",
      capacity: endpoint.model,
      createdAt: endpoint.started ? new Date(endpoint.started) : undefined,
      location: this.label,
      ...(endpoint.port ? { address: `${endpoint.bind ?? DEFAULT_BIND}:${endpoint.port}` } : {}),
      ours: true,
    };
  }
}

function requestProblem(request: SshHostDeployRequest): string | undefined {
  if (!ENDPOINT_NAME_PATTERN.test(request.name)) return nameProblem(request.name);
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535) return `port ${request.port} must be a whole number from 1 to 65535`;
  if (!/^[0-9A-Za-z.:-]+$/.test(request.bind)) return `bind address "${request.bind}" is not an address: give e.g. 127.0.0.1 (the host only) or 0.0.0.0 (every network)`;
  return undefined;
}

function nameProblem(name: string): string {
  return `endpoint name "${name}" is not allowed: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`;
}

async function ping(base: string, name: string): Promise<void> {
  let status: number | string;
  try {
    status = (await fetch(`${base}/ping`, { signal: AbortSignal.timeout(30_000) })).status;
  } catch (error) {
    status = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
  }
  if (status !== 200) throw new DeployError(`endpoint ${name} started, but /ping through the SSH tunnel answered ${status}`);
}
