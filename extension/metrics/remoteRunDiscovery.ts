// Finds the run logs of the kernels running on SSH hosts: `runs/*/metrics.jsonl` under each one's folder on its
// host, listed over SFTP every few seconds and whenever a remote kernel comes or goes. Runs are forgotten when
// their log is deleted or their kernel's link is let go of; while a link is down they stay as they were.
import type * as vscode from "vscode";
import type { ReadableFiles } from "../../common/readableFiles";
import { hostPath, runKey, type RunPlace } from "./runCollection";

/** The folder a remote kernel's cells run in: its runs are in `runs/` there. */
export interface RemoteRunFolder {
  host: string;
  /** Absolute, on the host. */
  folder: string;
  files: ReadableFiles;
}

export interface RemoteRunFolderSource {
  list(): RemoteRunFolder[];
  readonly onDidChange: vscode.Event<void>;
}

export interface RemoteRunDiscoveryEvents {
  found(file: string, place: RunPlace): void;
  deleted(id: string): void;
}

const RESCAN_MS = 5000;
const RUN_LOG = "metrics.jsonl";

export class RemoteRunDiscovery implements vscode.Disposable {
  /** The ids of the runs found, by the folder ("host:folder") they were found in. */
  private readonly known = new Map<string, Set<string>>();
  /** The last listing failure of each folder: logged once, not every few seconds. */
  private readonly problems = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private readonly subscription: vscode.Disposable;
  private scanning: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: RemoteRunFolderSource,
    private readonly events: RemoteRunDiscoveryEvents,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = source.onDidChange(() => this.scan());
    this.timer = setInterval(() => this.scan(), RESCAN_MS);
    this.scan();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
  }

  /** One scan at a time: a slow link does not pile them up. */
  private scan(): void {
    this.scanning = this.scanning.then(() => this.scanAll());
  }

  private async scanAll(): Promise<void> {
    const folders = this.source.list();
    const current = new Set(folders.map(({ host, folder }) => hostPath(host, folder)));
    for (const [key, ids] of this.known) {
      if (current.has(key)) continue;
      for (const id of ids) this.events.deleted(id);
      this.known.delete(key);
    }
    await Promise.all(folders.map((folder) => this.scanFolder(folder)));
  }

  private async scanFolder({ host, folder, files }: RemoteRunFolder): Promise<void> {
    const key = hostPath(host, folder);
    const known = this.known.get(key) ?? new Set<string>();
    this.known.set(key, known);
    const runsDir = `${folder}/runs`;
    try {
      const seen = new Set<string>();
      for (const name of await files.list(runsDir)) {
        const file = `${runsDir}/${name}/${RUN_LOG}`;
        const id = runKey(file, host);
        // A folder not known yet is looked into first: runs/ may hold other things.
        if (!known.has(id) && !(await files.list(`${runsDir}/${name}`)).includes(RUN_LOG)) continue;
        seen.add(id);
        known.add(id);
        this.events.found(file, { host, files });
      }
      for (const id of known) {
        if (seen.has(id)) continue;
        known.delete(id);
        this.events.deleted(id);
      }
      this.problems.delete(key);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === "ENOTCONN" || this.problems.get(key) === message) return;
      this.problems.set(key, message);
      this.log.warn(`metrics panel: cannot list ${host}:${runsDir}: ${message}`);
    }
  }
}
