// Input history for Jupyter's history_request (protocol 5.3), kept the way IPython keeps it: one store per
// kernelspec shared by all its kernels, each kernel process a new numbered session. IPython uses SQLite, which
// Node 20 lacks, so the store is an append-only JSON Lines file; every line goes out in one O_APPEND write,
// so kernels of the same kernelspec running at once never interleave inside a line.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createDirectory } from "../../common/safeFileSystem";
import type { HistoryRequestContent } from "../../protocol/messageContents";
import { KERNEL_NAME } from "../../protocol/languageInfo";
import { jupyterDataDir } from "../../common/jupyterPaths";

/** The content of a Jupyter history_request. */
export type HistoryEntry = [session: number, line: number, input: string | [string, string | null]];

/** The default history file of a kernelspec: $TFJS_STUDIO_HISTORY, else under Jupyter's data directory. */
export function historyPath(kernelName = KERNEL_NAME): string {
  return process.env.TFJS_STUDIO_HISTORY || path.join(jupyterDataDir(), "tfjs-studio", `${kernelName}-history.jsonl`);
}

interface Cell {
  session: number;
  line: number;
  source: string;
  output?: string;
}

/** A valid line of the file: a stored cell, or the start of a session with the claim token of its kernel. */
type StoredLine = (Cell & { kind: "cell" }) | { kind: "start"; session: number; claim?: string };

export class HistoryStore {
  readonly session: number;
  /** Every cell known to this kernel, ordered by (session, line) as IPython's queries order them. */
  private readonly cells: Cell[] = [];
  private maxSession = 0;
  private corruptLines = 0;
  private writable = true;

  constructor(
    private readonly file: string,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.session = this.claimSession(this.load());
    this.cells.sort(byPosition);
    if (this.corruptLines > 0) onWarning(`history: skipped ${this.corruptLines} corrupt line(s) in ${file}`);
  }

  /** Records cell `line` (the execution_count) of the current session. output is the text/plain of the execute_result, if any. */
  add(line: number, source: string, output?: string): void {
    const cell: Cell = { session: this.session, line, source, output };
    insertSorted(this.cells, cell);
    this.append(JSON.stringify({ ...cell, time: new Date().toISOString() }) + "\n");
  }

  query(request: HistoryRequestContent): HistoryEntry[] {
    return this.select(request).map((cell): HistoryEntry =>
      request.output ? [cell.session, cell.line, [cell.source, cell.output ?? null]] : [cell.session, cell.line, cell.source],
    );
  }

  private select(request: HistoryRequestContent): Cell[] {
    switch (request.hist_access_type) {
      case "tail":
        return lastN(request.unique ? latestPerSource(this.cells) : this.cells, request.n ?? 10);
      case "range":
        return this.range(request.session ?? 0, request.start ?? 0, request.stop);
      case "search": {
        const matches = globMatcher(request.pattern ?? "*");
        const found = this.cells.filter((cell) => matches(cell.source));
        const distinct = request.unique ? latestPerSource(found) : found;
        return request.n == null ? distinct : lastN(distinct, request.n);
      }
      default:
        return [];
    }
  }

  private range(session: number, start: number, stop: number | null | undefined): Cell[] {
    // As IPython: 0 is this session, negatives count back from it, and a missing (or 0) stop reads to the end.
    const wanted = session <= 0 ? this.session + session : session;
    return this.cells.filter((cell) => cell.session === wanted && cell.line >= start && (!stop || cell.line < stop));
  }

  /** Reads the whole file once; undefined when it exists but can't be read, so it must not be written either. */
  private load(): { end: number; partial: boolean } | undefined {
    try {
      return readLines(this.file, 0, (text) => this.ingest(text));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { end: 0, partial: false };
      this.fallBackToMemory("cannot read the history file", error);
      return undefined;
    }
  }

  /**
   * Takes the next session number by appending a start line. Two kernels starting together can pick the same
   * number; the first start line in the file owns it, so the other sees that line and tries a higher number.
   */
  private claimSession(loaded: { end: number; partial: boolean } | undefined): number {
    let session = this.maxSession + 1;
    if (!loaded) return session;
    try {
      createDirectory(path.dirname(this.file));
    } catch (error) {
      this.fallBackToMemory("cannot create the history folder", error);
      return session;
    }
    // A line half-written by a crashed kernel must not swallow ours; it is counted as corrupt when read back.
    let prefix = loaded.partial ? "\n" : "";
    let offset = loaded.end;
    for (;;) {
      const claim = randomUUID();
      if (!this.append(prefix + JSON.stringify({ session, start: new Date().toISOString(), claim }) + "\n")) return session;
      prefix = "";
      let beforeOurs = true;
      let taken = false;
      try {
        offset = readLines(this.file, offset, (text) => {
          const stored = this.ingest(text);
          if (!stored || !beforeOurs) return;
          if (stored.kind === "start" && stored.claim === claim) beforeOurs = false;
          else if (stored.session === session) taken = true;
        }).end;
      } catch (error) {
        this.fallBackToMemory("cannot read the history file", error);
        return session;
      }
      if (!taken) return session;
      session = this.maxSession + 1;
    }
  }

  /** Parses one line of the file into memory; blank lines are padding, anything else unparsable is corrupt. */
  private ingest(text: string): StoredLine | undefined {
    if (text.trim() === "") return undefined;
    const stored = parseLine(text);
    if (!stored) {
      this.corruptLines++;
      return undefined;
    }
    this.maxSession = Math.max(this.maxSession, stored.session);
    if (stored.kind === "cell") this.cells.push({ session: stored.session, line: stored.line, source: stored.source, output: stored.output });
    return stored;
  }

  private append(text: string): boolean {
    if (!this.writable) return false;
    try {
      // History holds code, maybe secrets: a new file is readable by its owner only.
      fs.appendFileSync(this.file, text, { mode: 0o600 });
      return true;
    } catch (error) {
      this.fallBackToMemory("cannot write the history file", error);
      return false;
    }
  }

  /** Stops using the file after its first failure, so the problem is reported once and history lives on in memory. */
  private fallBackToMemory(problem: string, error: unknown): void {
    this.writable = false;
    this.onWarning(`history: ${problem} (${(error as Error).message}); keeping history in memory only`);
  }
}

function parseLine(text: string): StoredLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { session, start, claim, line, source, output } = value as { [key: string]: unknown };
  if (typeof session !== "number" || !Number.isInteger(session) || session < 1) return undefined;
  if (typeof start === "string") return { kind: "start", session, claim: typeof claim === "string" ? claim : undefined };
  if (typeof line !== "number" || !Number.isInteger(line) || typeof source !== "string") return undefined;
  if (output !== undefined && typeof output !== "string") return undefined;
  return { kind: "cell", session, line, source, output };
}

/**
 * Calls onLine for each complete line of `file` from byte `from` on, in chunks so a large file is never one
 * string. A trailing line without its newline is left out: it may be a write still in progress.
 * Returns the offset just after the last complete line and whether such a trailing line was left out.
 */
function readLines(file: string, from: number, onLine: (text: string) => void): { end: number; partial: boolean } {
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pending: Buffer[] = [];
    let position = from;
    let end = from;
    for (;;) {
      const count = fs.readSync(fd, chunk, 0, chunk.length, position);
      if (count === 0) break;
      const data = chunk.subarray(0, count);
      let lineStart = 0;
      // Splitting on the newline byte before decoding is safe: it never occurs inside a multi-byte UTF-8 character.
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, lineStart)) {
        onLine(Buffer.concat([...pending, data.subarray(lineStart, newline)]).toString("utf8"));
        pending = [];
        lineStart = newline + 1;
        end = position + lineStart;
      }
      if (lineStart < count) pending.push(Buffer.from(data.subarray(lineStart))); // a copy: chunk is reused
      position += count;
    }
    return { end, partial: pending.length > 0 };
  } finally {
    fs.closeSync(fd);
  }
}

function byPosition(a: Cell, b: Cell): number {
  return a.session - b.session || a.line - b.line;
}

/** Inserts after every cell that sorts before or with it; new cells nearly always belong at the end. */
function insertSorted(cells: Cell[], cell: Cell): void {
  let index = cells.length;
  while (index > 0 && byPosition(cells[index - 1], cell) > 0) index--;
  cells.splice(index, 0, cell);
}

function lastN(cells: Cell[], n: number): Cell[] {
  return n > 0 ? cells.slice(-n) : [];
}

/** Keeps each source once, at its latest occurrence (IPython's `unique`). */
function latestPerSource(cells: Cell[]): Cell[] {
  const latest = new Map<string, Cell>();
  for (const cell of cells) {
    latest.delete(cell.source); // re-inserting moves it to its latest place in the Map's order
    latest.set(cell.source, cell);
  }
  return [...latest.values()];
}

/**
 * A whole-string, case-sensitive matcher for a SQLite GLOB pattern, the search syntax of IPython's history:
 * `*` any run, `?` one character, `[...]` a set with ranges, `[^...]` its complement.
 */
function globMatcher(pattern: string): (text: string) => boolean {
  const chars = [...pattern]; // code points: SQLite matches characters, not UTF-16 units
  let regex = "";
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "*") regex += ".*";
    else if (chars[i] === "?") regex += ".";
    else if (chars[i] === "[") {
      const set = globSet(chars, i + 1);
      if (!set) return () => false; // SQLite: an unterminated set matches nothing
      regex += set.regex;
      i = set.end;
    } else regex += literal(chars[i]);
  }
  const compiled = new RegExp(`^${regex}$`, "su");
  return (text) => compiled.test(text);
}

/** Translates the set whose body starts at chars[i] into a regex class, following SQLite's patternCompare. */
function globSet(chars: string[], i: number): { regex: string; end: number } | undefined {
  let negate = "";
  if (chars[i] === "^") {
    negate = "^";
    i++;
  }
  const members: string[] = [];
  if (chars[i] === "]") members.push(literal(chars[i++])); // a leading "]" is a member, not the end
  let rangeStart: string | undefined;
  for (; i < chars.length && chars[i] !== "]"; i++) {
    if (chars[i] === "-" && rangeStart !== undefined && i + 1 < chars.length && chars[i + 1] !== "]") {
      const rangeEnd = chars[++i];
      // SQLite matches nothing for a reversed range, where a regex would not even compile.
      if (rangeStart.codePointAt(0)! <= rangeEnd.codePointAt(0)!) members.push(`${literal(rangeStart)}-${literal(rangeEnd)}`);
      rangeStart = undefined;
    } else {
      members.push(literal(chars[i]));
      rangeStart = chars[i];
    }
  }
  return i < chars.length ? { regex: `[${negate}${members.join("")}]`, end: i } : undefined;
}

function literal(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}
