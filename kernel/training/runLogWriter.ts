// Writes one run's files: metrics.jsonl appended in batches of lines, run.json replaced atomically.
// A file system error is reported once and ends the logging, never the training.
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { createDirectory } from "../../common/safeFileSystem";
import { join } from "node:path";
import { RUN_INFO_FILE, RUN_LOG_FILE, type RunInfo, type RunLogRecord } from "../../protocol/runLogSchema";
import { systemClock, type Clock } from "../inKernelModules/throttle";

/** Buffered lines reach the file at least this often, so readers see a long epoch progress. */
const FLUSH_INTERVAL_MS = 1000;

export class RunLogWriter {
  private lines: string[] = [];
  private lastFlush: number;
  private broken = false;

  constructor(
    readonly runDir: string,
    private readonly reportError: (message: string) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastFlush = clock.now();
    this.attempt(() => createDirectory(runDir));
  }

  append(record: RunLogRecord): void {
    if (this.broken) return;
    // JSON turns NaN and Infinity into null, as the schema says.
    this.lines.push(JSON.stringify(record));
    if (this.clock.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
  }

  flush(): void {
    this.lastFlush = this.clock.now();
    if (this.broken || this.lines.length === 0) return;
    const text = `${this.lines.join("\n")}\n`;
    this.lines = [];
    this.attempt(() => appendFileSync(join(this.runDir, RUN_LOG_FILE), text));
  }

  writeInfo(info: RunInfo): void {
    const file = join(this.runDir, RUN_INFO_FILE);
    // Through a temporary file, so a reader never sees half a run.json.
    this.attempt(() => {
      writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
    });
  }

  private attempt(write: () => void): void {
    if (this.broken) return;
    try {
      write();
    } catch (error) {
      this.broken = true;
      this.reportError(`the run log in ${this.runDir} cannot be written (${(error as Error).message}); training goes on without it`);
    }
  }
}
