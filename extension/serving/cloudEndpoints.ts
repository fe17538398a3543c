// The SageMaker endpoints tfjs-studio deployed, as `tfjs-studio endpoints --json` lists them for the regions this
// workspace deployed to (or AWS_REGION), and the endpoints on the SSH hosts it deployed to (`endpoints --ssh`).
// Refreshed on demand, after a deploy or delete, and every few minutes, so the status bar's count of live cloud
// endpoints, which keep billing, stays true.
import * as vscode from "vscode";
import type { CloudEndpoint } from "../../serving/deploy/deployProvider";
import { remoteSettings, sshCliOptions } from "../remote/remoteSettings";
import { runStudioCli, workspaceCwd } from "./studioCli";

const REFRESH_MS = 5 * 60_000;
/** A listing that takes longer (no network, an unreachable endpoint) is ended and reported. */
const LIST_TIMEOUT_MS = 60_000;

export type CloudListing =
  | { kind: "none"; why: string }
  | { kind: "listed"; endpoints: CloudEndpoint[]; failures: string[] };

export class CloudEndpoints implements vscode.Disposable {
  private listing: CloudListing = { kind: "none", why: "Deploy to SageMaker… or Deploy to SSH Host… to see your endpoints here." };
  private readonly changed = new vscode.EventEmitter<CloudListing>();
  readonly onDidChange = this.changed.event;
  private readonly timer: NodeJS.Timeout;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly regions: () => string[],
    private readonly hosts: () => string[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  get current(): CloudListing {
    return this.listing;
  }

  /** Lists every remembered region again; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.list().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async list(): Promise<void> {
    const targets = [
      ...this.regions().map((region) => ({ where: region, args: ["--region", region] })),
      ...this.hosts().map((host) => ({ where: host, args: ["--ssh", host, ...sshCliOptions(remoteSettings())] })),
    ];
    if (targets.length === 0) return;
    const endpoints: CloudEndpoint[] = [];
    const failures: string[] = [];
    for (const { where, args } of targets) {
      const run = await runStudioCli(["endpoints", ...args, "--json"], workspaceCwd(), LIST_TIMEOUT_MS);
      if (run.code !== 0) {
        failures.push(`${where}: ${run.stderr.trim().split("\n").at(-1)!.replace(/^tfjs-studio endpoints: /, "")}`);
        this.log.warn(`tfjs-studio endpoints ${args.join(" ")}: ${run.stderr.trim()}`);
        continue;
      }
      let listed: (CloudEndpoint & { createdAt?: string })[];
      try {
        listed = JSON.parse(run.stdout) as typeof listed;
      } catch (error) {
        failures.push(`${where}: tfjs-studio endpoints printed no list (${(error as Error).message})`);
        continue;
      }
      endpoints.push(...listed.map((endpoint) => ({ ...endpoint, createdAt: endpoint.createdAt ? new Date(endpoint.createdAt) : undefined })));
    }
    this.listing = { kind: "listed", endpoints, failures };
    this.changed.fire(this.listing);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.changed.dispose();
  }
}
