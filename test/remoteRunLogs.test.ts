// The metrics panel's view of a remote kernel's runs: run logs on an SSH host (Debian's real sshd on 127.0.0.1,
// whose files are this machine's), found under the kernel's folder and followed over SFTP while they grow,
// through a dropped link and the reconnect after it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as vscode from "vscode";
import { SftpFiles } from "../client/remote/sftpFiles";
import { connectSsh, type SshConnection } from "../client/ssh/sshConnection";
import { RemoteRunDiscovery, type RemoteRunFolder } from "../extension/metrics/remoteRunDiscovery";
import { RunCollection, runKey, type RunPlace } from "../extension/metrics/runCollection";
import { RUN_INFO_FILE, RUN_LOG_SCHEMA_VERSION, type RunLogRecord } from "../protocol/runLogSchema";
import { startSshd, type Sshd } from "./support/sshd";
import { until } from "./support/until";

const HOST = "gpu-box";
const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const start: RunLogRecord = { type: "start", schemaVersion: RUN_LOG_SCHEMA_VERSION, runId: "r", time: T0, epochs: 1, stepsPerEpoch: 3, batchSize: 4, samples: 12 };
const batch = (step: number): RunLogRecord => ({ type: "batch", step, epoch: 1, batch: step, time: T0 + step, elapsedMs: step, size: 4, metrics: { loss: 1 / step } });
const line = (record: RunLogRecord): string => `${JSON.stringify(record)}\n`;


const silentLog = { warn: () => {}, info: () => {}, error: () => {} } as unknown as vscode.LogOutputChannel;

describe("a remote kernel's run logs, read over SFTP", function () {
  this.timeout(60_000);
  let work: string;
  let sshd: Sshd;
  let link: SshConnection | undefined;
  const savedAgent = process.env.SSH_AUTH_SOCK;

  const connect = async (): Promise<SshConnection> => {
    const connection = await connectSsh(
      { label: `127.0.0.1:${sshd.port}`, host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [sshd.userKey] },
      { prompts: { confirmHostKey: async () => true, secret: async () => undefined }, knownHostsFile: path.join(work, "known_hosts") },
    );
    // As the remote session does: the link is offered only while it is up.
    void connection.closed.then(() => {
      if (link === connection) link = undefined;
    });
    return connection;
  };

  before(async () => {
    delete process.env.SSH_AUTH_SOCK;
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-remote-runs-"));
    sshd = await startSshd(work);
  });

  afterEach(() => link?.close());

  after(async () => {
    if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent;
    await sshd?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("finds the runs in the kernel's folder, follows one as it grows, and reads on after the link dropped", async () => {
    const folder = path.join(work, "notebooks");
    const runDir = path.join(folder, "runs", "20261206-dense");
    fs.mkdirSync(runDir, { recursive: true });
    // Not a run: a folder of runs/ without a log.
    fs.mkdirSync(path.join(folder, "runs", "notes"));
    const file = path.join(runDir, "metrics.jsonl");
    fs.writeFileSync(file, line(start) + line(batch(1)));
    fs.writeFileSync(path.join(runDir, RUN_INFO_FILE), "{");
    link = await connect();
    const files = new SftpFiles(() => link);
    const problems: string[] = [];
    const runs = new RunCollection({ runsChanged: () => {}, records: () => {}, problem: (message) => problems.push(message) }, 50);
    let folders: RemoteRunFolder[] = [{ host: HOST, folder, files }];
    let changed: () => void = () => {};
    const source = { list: () => folders, onDidChange: (listener: () => void) => ((changed = listener), { dispose: () => {} }) };
    const discovery = new RemoteRunDiscovery(source, { found: (found: string, place: RunPlace) => void runs.add(found, place), deleted: (id) => runs.remove(id) }, silentLog);
    const id = runKey(file, HOST);
    try {
      await until(() => runs.get(id)?.series.batches.step.length === 1, "the run found on the host");
      assert.deepEqual(runs.list().map((run) => run.id), [id], "only the folder with a run log is a run");
      const run = runs.get(id)!;
      assert.equal(run.host, HOST);
      assert.equal(run.file, file, "the host's own path");
      // run.json is read on its own, after the log: a busy machine may show the run a moment before its problem.
      await until(() => /run.json: not JSON/.test(runs.get(id)?.problems.join(" ") ?? ""), "a broken run.json on the host is a problem, as it is here");

      fs.appendFileSync(file, line(batch(2)));
      await until(() => run.series.batches.step.length === 2, "the appended batch");

      // The link drops: while it is down the run stays as it was, and nothing is reported as a problem.
      const problemsBefore = problems.length;
      sshd.killSessions();
      await until(() => link === undefined, "the dropped link noticed");
      fs.appendFileSync(file, line(batch(3)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(run.series.batches.step.length, 2);
      assert.equal(runs.get(id), run, "the run is kept while the host cannot be reached");
      assert.deepEqual(problems.slice(problemsBefore), []);

      // Reconnected: a new SFTP channel on the new link, reading on from where it stopped (nothing twice).
      link = await connect();
      await until(() => run.series.batches.step.length === 3, "the batch written while the link was down");
      assert.deepEqual(run.series.batches.values.loss, [1, 1 / 2, 1 / 3]);

      // The log deleted on the host: the run leaves the list.
      fs.rmSync(runDir, { recursive: true });
      await until(() => runs.get(id) === undefined, "the deleted run gone");

      // The kernel let go of: its folder's runs leave with it.
      fs.mkdirSync(runDir, { recursive: true });
      fs.writeFileSync(file, line(start));
      changed();
      await until(() => runs.get(id) !== undefined, "the new run found");
      folders = [];
      changed();
      await until(() => runs.list().length === 0, "the runs of a kernel let go of gone");
    } finally {
      discovery.dispose();
      runs.dispose();
      files.close();
    }
  });
});
