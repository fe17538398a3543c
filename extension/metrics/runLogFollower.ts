// Follows one metrics.jsonl while the kernel appends to it: each read returns only the records written
// since the last one, reading only the new bytes. A line still being written waits for its newline; a file
// that shrank or was rewritten is read again from the start (reset). A malformed line is skipped and
// reported once per file; the count of them is kept. The file may be on this machine or on an SSH host.
import type { ReadableFileHandle, ReadableFiles } from "../../common/readableFiles";
import { parseRunLogLine, type RunLogRecord } from "../../protocol/runLogSchema";

interface FollowUpdate {
  records: RunLogRecord[];
  /** The file was truncated or replaced: records are its whole content, earlier ones are void. */
  reset: boolean;
}

export interface MalformedLine {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  error: string;
}

/** Bytes at the start of the file remembered to notice a rewrite that did not make the file shorter. */
const HEAD_BYTES = 256;
const NEWLINE = 0x0a;

export class RunLogFollower {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private lineNumber = 0;
  private head: Buffer = Buffer.alloc(0);
  private inode: number | undefined;
  private reported = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Malformed lines skipped so far (since the last reset). */
  malformedLines = 0;

  constructor(
    readonly file: string,
    private readonly files: ReadableFiles,
    private readonly onMalformed: (problem: MalformedLine) => void,
  ) {}

  /** The records appended since the last read. Reads never overlap: a call waits for the one before. */
  read(): Promise<FollowUpdate> {
    const next = this.queue.then(() => this.readNew());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNew(): Promise<FollowUpdate> {
    const handle = await this.files.open(this.file);
    try {
      const { size, ino } = await handle.stat();
      const reset = this.offset > 0 && (ino !== this.inode || size < this.offset || !(await this.sameHead(handle)));
      if (reset) this.restart();
      this.inode = ino;
      if (size <= this.offset) return { records: [], reset };
      const chunk = Buffer.alloc(size - this.offset);
      const bytesRead = await handle.read(chunk, this.offset);
      const bytes = chunk.subarray(0, bytesRead);
      if (this.offset < HEAD_BYTES) this.head = Buffer.concat([this.head, bytes.subarray(0, HEAD_BYTES - this.offset)]);
      this.offset += bytesRead;
      return { records: this.parse(bytes), reset };
    } finally {
      await handle.close();
    }
  }

  private restart(): void {
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.lineNumber = 0;
    this.head = Buffer.alloc(0);
    this.malformedLines = 0;
  }

  private async sameHead(handle: ReadableFileHandle): Promise<boolean> {
    const now = Buffer.alloc(this.head.length);
    const bytesRead = await handle.read(now, 0);
    return bytesRead === this.head.length && now.equals(this.head);
  }

  /** Complete lines become records; the bytes after the last newline wait for the rest of their line. */
  private parse(bytes: Buffer): RunLogRecord[] {
    const text = Buffer.concat([this.partial, bytes]);
    const records: RunLogRecord[] = [];
    let start = 0;
    for (let end = text.indexOf(NEWLINE); end !== -1; end = text.indexOf(NEWLINE, start)) {
      // Decoded per line, so a multi-byte character split between two reads is never cut.
      const line = text.toString("utf8", start, end).replace(/\r$/, "");
      start = end + 1;
      this.lineNumber++;
      if (line.trim() === "") continue;
      const parsed = parseRunLogLine(line);
      if (parsed.ok) {
        records.push(parsed.record);
        continue;
      }
      this.malformedLines++;
      if (!this.reported) {
        this.reported = true;
        this.onMalformed({ file: this.file, line: this.lineNumber, error: parsed.error });
      }
    }
    this.partial = Buffer.from(text.subarray(start));
    return records;
  }
}
