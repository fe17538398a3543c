// Following run logs on disk while they grow, as the metrics panel does: real files in a temporary folder,
// appended to (in pieces, malformed, truncated, rewritten) while they are followed.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { RUN_INFO_FILE, RUN_LOG_SCHEMA_VERSION, type RunInfo, type RunLogRecord } from "../protocol/runLogSchema";
import { RunCollection, type Run } from "../extension/metrics/runCollection";
import { RunLogFollower, type MalformedLine } from "../extension/metrics/runLogFollower";
import { localFiles } from "../common/readableFiles";
import { tempDir } from "./support/studioKernel";
import { until } from "./support/until";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const start: RunLogRecord = { type: "start", schemaVersion: RUN_LOG_SCHEMA_VERSION, runId: "r", time: T0, epochs: 1, stepsPerEpoch: 3, batchSize: 4, samples: 12 };
const batch = (step: number, loss = 1 / step): RunLogRecord => ({ type: "batch", step, epoch: 1, batch: step, time: T0 + step, elapsedMs: step, size: 4, metrics: { loss } });
const end: RunLogRecord = { type: "end", step: 3, time: T0 + 9, elapsedMs: 9, status: "completed", finalMetrics: { loss: 0.3 } };
const line = (record: RunLogRecord): string => `${JSON.stringify(record)}\n`;


describe("run log following", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("tfjs-runs-");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("returns only what was appended since the last read, and waits for a line's newline", async () => {
    const file = path.join(dir, "metrics.jsonl");
    fs.writeFileSync(file, line(start) + line(batch(1)));
    const follower = new RunLogFollower(file, localFiles, () => assert.fail("no malformed line here"));
    assert.deepEqual(await follower.read(), { records: [start, batch(1)], reset: false });
    assert.deepEqual(await follower.read(), { records: [], reset: false });
    const second = line(batch(2));
    fs.appendFileSync(file, second.slice(0, 20));
    assert.deepEqual((await follower.read()).records, [], "half a line is not a record yet");
    fs.appendFileSync(file, second.slice(20) + line(batch(3)).slice(0, 5));
    assert.deepEqual((await follower.read()).records, [batch(2)]);
    fs.appendFileSync(file, line(batch(3)).slice(5));
    assert.deepEqual((await follower.read()).records, [batch(3)]);
  });

  it("keeps a multi-byte character that a read cut in two", async () => {
    const file = path.join(dir, "metrics.jsonl");
    const record: RunLogRecord = { ...end, status: "failed", error: "Fehler: ÄÖÜ → 失敗" };
    const bytes = Buffer.from(line(record));
    const cut = bytes.indexOf(Buffer.from("失")) + 1;
    fs.writeFileSync(file, bytes.subarray(0, cut));
    const follower = new RunLogFollower(file, localFiles, () => undefined);
    assert.deepEqual((await follower.read()).records, []);
    fs.appendFileSync(file, bytes.subarray(cut));
    assert.deepEqual((await follower.read()).records, [record]);
  });

  it("skips malformed lines, reports the first one only, and counts them", async () => {
    const file = path.join(dir, "metrics.jsonl");
    const reports: MalformedLine[] = [];
    fs.writeFileSync(file, `${line(start)}{"type":"batch", broken\n${line(batch(1))}`);
    const follower = new RunLogFollower(file, localFiles, (problem) => reports.push(problem));
    assert.deepEqual((await follower.read()).records, [start, batch(1)]);
    fs.appendFileSync(file, `${JSON.stringify({ type: "batch", step: "two" })}\n\n${line(batch(2))}`);
    assert.deepEqual((await follower.read()).records, [batch(2)]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].line, 2);
    assert.match(reports[0].error, /not JSON/);
    assert.equal(follower.malformedLines, 2);
  });

  it("reads a truncated or rewritten log again from the start", async () => {
    const file = path.join(dir, "metrics.jsonl");
    fs.writeFileSync(file, line(start) + line(batch(1)) + line(batch(2)));
    const follower = new RunLogFollower(file, localFiles, () => undefined);
    await follower.read();
    fs.writeFileSync(file, line(start));
    assert.deepEqual(await follower.read(), { records: [start], reset: true }, "shorter: truncated");
    // Rewritten in place to a longer file with a different beginning.
    const other = { ...start, runId: "other" } as RunLogRecord;
    fs.writeFileSync(file, line(other) + line(batch(1, 9)) + line(batch(2, 8)));
    assert.deepEqual(await follower.read(), { records: [other, batch(1, 9), batch(2, 8)], reset: true });
    // Replaced by another file (a new inode), as an atomic rename does.
    fs.writeFileSync(`${file}.new`, line(start) + line(batch(1)) + line(batch(2)) + line(batch(3)));
    fs.renameSync(`${file}.new`, file);
    assert.deepEqual(await follower.read(), { records: [start, batch(1), batch(2), batch(3)], reset: true });
  });

  it("follows the runs of a folder while they train: new records, status from the end record, problems, removal", async () => {
    const runDir = path.join(dir, "runs", "2026-run");
    fs.mkdirSync(runDir, { recursive: true });
    const file = path.join(runDir, "metrics.jsonl");
    fs.writeFileSync(file, line(start) + line(batch(1)));
    const problems: string[] = [];
    const received: RunLogRecord[] = [];
    let listChanges = 0;
    const runs = new RunCollection(
      {
        runsChanged: () => listChanges++,
        records: (_run: Run, records) => received.push(...records),
        problem: (message) => problems.push(message),
      },
      50,
    );
    try {
      await runs.add(file);
      const run = runs.get(file)!;
      assert.equal(run.runId, "2026-run");
      assert.equal(run.status, "running");
      assert.equal(run.finalMetrics, null, "no final values while it trains");
      assert.equal(run.startTime, T0);
      assert.deepEqual(received, [start, batch(1)]);
      // The kernel goes on writing; the live poll picks it up with no event.
      fs.appendFileSync(file, line(batch(2)) + "not json\n" + line(batch(3)) + line(end));
      await until(() => run.status === "completed", "the end record");
      assert.deepEqual(run.finalMetrics, { loss: 0.3 }, "the end record's values");
      assert.deepEqual(received.slice(2), [batch(2), batch(3), end]);
      assert.deepEqual(run.series.batches.values.loss, [1, 1 / 2, 1 / 3]);
      assert.deepEqual(run.problems, ["1 malformed line skipped"]);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /line 4 is skipped/);
      assert.ok(listChanges >= 2, "the list learns of the status and the problem");
      // run.json names the run; a broken one is a problem, not a crash.
      fs.writeFileSync(path.join(runDir, RUN_INFO_FILE), "{");
      await runs.refresh(file);
      assert.equal(run.name, "2026-run");
      assert.match(run.problems.join(" "), /run.json: not JSON/);
      fs.rmSync(runDir, { recursive: true });
      await runs.refresh(file);
      assert.equal(runs.get(file), undefined, "a deleted run leaves the list");
      assert.deepEqual(runs.list(), []);
    } finally {
      runs.dispose();
    }
  });

  it("shows a run whose kernel exited mid-training as stopped, not as training forever", async () => {
    const runDir = path.join(dir, "runs", "2026-dead");
    fs.mkdirSync(runDir, { recursive: true });
    const file = path.join(runDir, "metrics.jsonl");
    fs.writeFileSync(file, line(start) + line(batch(1)));
    const kernel = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const info: RunInfo = {
      schemaVersion: RUN_LOG_SCHEMA_VERSION, runId: "2026-dead", name: "dense", notebook: null, notebookDir: dir, method: "fit",
      status: "running", startTime: T0, endTime: null, backend: { name: "wasm", tfjsVersion: "4.22.0" },
      model: { name: "dense", layers: [], totalParams: 0, trainableParams: 0 }, compile: null, fit: {},
      epochsCompleted: 0, stepsCompleted: 1, finalMetrics: {}, writer: { pid: kernel.pid!, host: hostname() },
    };
    fs.writeFileSync(path.join(runDir, RUN_INFO_FILE), JSON.stringify(info));
    const runs = new RunCollection({ runsChanged: () => {}, records: () => {}, problem: assert.fail }, 50);
    try {
      await runs.add(file);
      const run = runs.get(file)!;
      assert.equal(run.status, "running", "its kernel is alive");
      kernel.kill("SIGKILL");
      await once(kernel, "exit");
      await until(() => run.status === "kernelExited", "the run to show its kernel exited");
      // A run written on another machine (a remote kernel) cannot be checked, so it is taken at its word.
      fs.writeFileSync(path.join(runDir, RUN_INFO_FILE), JSON.stringify({ ...info, writer: { pid: kernel.pid, host: `not-${hostname()}` } }));
      fs.appendFileSync(file, line(batch(2)));
      await runs.refresh(file);
      assert.equal(run.status, "running");
    } finally {
      runs.dispose();
      kernel.kill("SIGKILL");
    }
  });
});
