// The runs the metrics panel shows: one per metrics.jsonl found, each with its history (as chart series),
// its run.json, and the problems met reading it. Runs still training are polled, so they grow on screen
// even where file-change events are late or missing; the panel adds change events on top.
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { processExists } from "../../common/processExists";
import { RUN_INFO_FILE, parseRunInfo, type MetricValues, type ObservedRunStatus, type RunInfo, type RunLogRecord } from "../../protocol/runLogSchema";
import { appendRecords, emptyRunSeries, endValues, type RunSeries } from "../../protocol/runSeries";
import { RunLogFollower, type MalformedLine } from "./runLogFollower";

export interface Run {
  /** The metrics.jsonl path: unique, and stable across reloads. */
  id: string;
  /** The run folder's name (the kernel's run id). */
  runId: string;
  name: string;
  status: ObservedRunStatus;
  startTime: number | null;
  info: RunInfo | null;
  series: RunSeries;
  /** The exact values a finished run ended with; null while it runs. */
  finalMetrics: MetricValues | null;
  /** What is wrong with the run's files, for the user: malformed lines skipped, an unreadable run.json. */
  problems: string[];
}

interface RunCollectionEvents {
  /** A run came or went, or its status, name or problems changed. */
  runsChanged(): void;
  /** New records of a run; `reset`: its history was read again from the start (run.series is the whole of it). */
  records(run: Run, records: RunLogRecord[], reset: boolean): void;
  /** A problem to log: reported once per file. */
  problem(message: string): void;
}

const LIVE_POLL_MS = 1000;

export class RunCollection {
  private readonly runs = new Map<string, { run: Run; follower: RunLogFollower; infoProblem?: string }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly events: RunCollectionEvents,
    pollMs = LIVE_POLL_MS,
  ) {
    this.timer = setInterval(() => void this.pollLive(), pollMs);
  }

  list(): Run[] {
    return [...this.runs.values()].map((entry) => entry.run).sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0) || a.runId.localeCompare(b.runId));
  }

  get(id: string): Run | undefined {
    return this.runs.get(id)?.run;
  }

  /** Starts following a metrics.jsonl (again, when it is already followed: then it reads what is new). */
  async add(metricsFile: string): Promise<void> {
    if (this.runs.has(metricsFile)) return this.refresh(metricsFile);
    const runId = basename(dirname(metricsFile));
    const run: Run = { id: metricsFile, runId, name: runId, status: "running", startTime: null, info: null, series: emptyRunSeries(), finalMetrics: null, problems: [] };
    const follower = new RunLogFollower(metricsFile, (problem) => this.malformed(problem));
    this.runs.set(metricsFile, { run, follower });
    await this.refresh(metricsFile);
  }

  remove(metricsFile: string): void {
    if (this.runs.delete(metricsFile)) this.events.runsChanged();
  }

  /** Reads what the run's files gained. */
  async refresh(metricsFile: string): Promise<void> {
    const entry = this.runs.get(metricsFile);
    if (!entry) return;
    const { run, follower } = entry;
    const before = summary(run);
    let grew = false;
    try {
      const { records, reset } = await follower.read();
      if (reset) run.series = emptyRunSeries();
      appendRecords(run.series, records);
      grew = records.length > 0 || reset;
      if (grew) this.events.records(run, records, reset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return this.remove(metricsFile);
      this.events.problem(`cannot read ${metricsFile}: ${(error as Error).message}`);
    }
    // run.json is written at the start and the end of a run, and the end also adds a log line: the once-a-second
    // poll of a quiet live run need not read it again.
    if (grew || !run.info || entry.infoProblem) await this.readInfo(entry);
    run.startTime = run.info?.startTime ?? run.series.startTime;
    // The log's end record is the last word on how a run ended; run.json's status covers the rest.
    run.status = run.series.status !== "running" ? run.series.status : (run.info?.status ?? "running");
    if (run.status === "running" && writerGone(run.info)) run.status = "kernelExited";
    run.finalMetrics = run.status === "running" ? null : endValues(run.series);
    run.problems = [
      ...(follower.malformedLines > 0 ? [`${follower.malformedLines} malformed line${follower.malformedLines === 1 ? "" : "s"} skipped`] : []),
      ...(entry.infoProblem ? [entry.infoProblem] : []),
    ];
    if (summary(run) !== before) this.events.runsChanged();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.runs.clear();
  }

  private async pollLive(): Promise<void> {
    for (const { run } of [...this.runs.values()]) if (run.status === "running") await this.refresh(run.id);
  }

  private async readInfo(entry: { run: Run; infoProblem?: string }): Promise<void> {
    const file = join(dirname(entry.run.id), RUN_INFO_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      // A run log without run.json (copied from elsewhere, or its writer failed) still shows.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      text = "";
    }
    const parsed = parseRunInfo(text);
    if (parsed.ok) {
      entry.run.info = parsed.record;
      entry.run.name = parsed.record.name;
      entry.infoProblem = undefined;
      return;
    }
    const problem = `run.json: ${parsed.error}`;
    if (entry.infoProblem !== problem) this.events.problem(`${file}: ${parsed.error}`);
    entry.infoProblem = problem;
  }

  private malformed(problem: MalformedLine): void {
    this.events.problem(`${problem.file} line ${problem.line} is skipped: ${problem.error} (further malformed lines of this file are only counted)`);
  }
}

/** Whether the kernel that wrote a run has exited; only known for a kernel on this host. */
function writerGone(info: RunInfo | null): boolean {
  return info?.writer !== undefined && info.writer.host === hostname() && !processExists(info.writer.pid);
}

/** What the run list shows of a run: when it changes, the list is sent again. */
function summary(run: Run): string {
  return JSON.stringify([run.name, run.status, run.startTime, run.finalMetrics, run.problems]);
}
