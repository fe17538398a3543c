// The runs the metrics panel shows: one per metrics.jsonl found, each with its history (as chart series),
// its run.json, and the problems met reading it. Runs still training are polled, so they grow on screen
// even where file-change events are late or missing; the panel adds change events on top. A run's files are on
// this machine or, for a remote kernel's runs, on its SSH host (read over SFTP; paths are the host's).
import { hostname } from "node:os";
import * as path from "node:path";
import { localFiles, type ReadableFiles } from "../../common/readableFiles";
import { processExists } from "../../common/processExists";
import { RUN_INFO_FILE, parseRunInfo, type MetricValues, type ObservedRunStatus, type RunInfo, type RunLogRecord } from "../../protocol/runLogSchema";
import { appendRecords, emptyRunSeries, endValues, type RunSeries } from "../../protocol/runSeries";
import { RunLogFollower, type MalformedLine } from "./runLogFollower";

/** Where a run's files are: this machine (no host), or an SSH host. */
export interface RunPlace {
  files: ReadableFiles;
  /** The host as the user named it. */
  host?: string;
}

export const THIS_MACHINE: RunPlace = { files: localFiles };

export interface Run {
  /** The metrics.jsonl path, prefixed by "host:" for a host's: unique, and stable across reloads. */
  id: string;
  /** The metrics.jsonl path where it is (the host's path for a host's run). */
  file: string;
  host?: string;
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
  private readonly runs = new Map<string, { run: Run; follower: RunLogFollower; place: RunPlace; infoProblem?: string; readProblem?: string }>();
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
  async add(metricsFile: string, place: RunPlace = THIS_MACHINE): Promise<void> {
    const id = runKey(metricsFile, place.host);
    if (this.runs.has(id)) return this.refresh(id);
    const runId = pathsOf(place).basename(pathsOf(place).dirname(metricsFile));
    const run: Run = { id, file: metricsFile, host: place.host, runId, name: runId, status: "running", startTime: null, info: null, series: emptyRunSeries(), finalMetrics: null, problems: [] };
    const follower = new RunLogFollower(metricsFile, place.files, (problem) => this.malformed(problem));
    this.runs.set(id, { run, follower, place });
    await this.refresh(id);
  }

  remove(id: string): void {
    if (this.runs.delete(id)) this.events.runsChanged();
  }

  /** Reads what the run's files gained. */
  async refresh(id: string): Promise<void> {
    const entry = this.runs.get(id);
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
      entry.readProblem = undefined;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === "ENOENT") return this.remove(id);
      // The host's link is down: the run stays as it was, and is read on once the link is back.
      if (code === "ENOTCONN") return;
      if (entry.readProblem !== message) this.events.problem(`cannot read ${id}: ${message}`);
      entry.readProblem = message;
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

  private async readInfo(entry: { run: Run; place: RunPlace; infoProblem?: string }): Promise<void> {
    const paths = pathsOf(entry.place);
    const file = paths.join(paths.dirname(entry.run.file), RUN_INFO_FILE);
    let text: string | undefined;
    try {
      text = await entry.place.files.readText(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOTCONN") return;
      text = "";
    }
    // A run log without run.json (copied from elsewhere, or its writer failed) still shows.
    if (text === undefined) return;
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

/** A run's id: its log's path, after "host:" for a host's. */
export function runKey(metricsFile: string, host: string | undefined): string {
  return host === undefined ? metricsFile : hostPath(host, metricsFile);
}

/** A path on an SSH host as the user is shown it, scp's way: "host:/path". */
export function hostPath(host: string, where: string): string {
  return `${host}:${where}`;
}

/** Paths as the run's machine writes them: POSIX on an SSH host. */
export function pathsOf(place: { host?: string }): path.PlatformPath {
  return place.host === undefined ? path : path.posix;
}

/** Whether the kernel that wrote a run has exited; only known for a kernel on this host. */
function writerGone(info: RunInfo | null): boolean {
  return info?.writer !== undefined && info.writer.host === hostname() && !processExists(info.writer.pid);
}

/** What the run list shows of a run: when it changes, the list is sent again. */
function summary(run: Run): string {
  return JSON.stringify([run.name, run.status, run.startTime, run.finalMetrics, run.problems]);
}
