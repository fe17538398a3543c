// Text classification data: (text, label) examples from CSV or JSONL files or the IMDB reviews archive,
// label encoding, and a seeded train/validation/test split. Nothing here needs tfjs.
import * as fs from "node:fs";
import * as path from "node:path";

export interface Example {
  text: string;
  label: string;
}

export interface ColumnOptions {
  /** Column (CSV) or field (JSONL) holding the text; default: the first of text, review, sentence, content, comment, message. */
  textColumn?: string;
  /** Column or field holding the label; default: the first of label, sentiment, class, category, target. */
  labelColumn?: string;
}

export interface CsvOptions extends ColumnOptions {
  /** Field separator; default "," ("\t" for .tsv files). */
  delimiter?: string;
}

const TEXT_COLUMNS = ["text", "review", "sentence", "content", "comment", "message"];
const LABEL_COLUMNS = ["label", "sentiment", "class", "category", "target"];

/** A problem in a data file, with the 1-based line where it is. */
export class DataFormatError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}, line ${line}: ${detail}`);
    this.name = "DataFormatError";
  }
}

/** Loads a .csv, .tsv, .jsonl or .ndjson file of (text, label) examples. */
export function loadTextData(file: string, options: CsvOptions = {}): Example[] {
  let content: string;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const extension = path.extname(file).toLowerCase();
  if (extension === ".csv") return parseCsv(content, { ...options, source: file });
  if (extension === ".tsv") return parseCsv(content, { delimiter: "\t", ...options, source: file });
  if (extension === ".jsonl" || extension === ".ndjson") return parseJsonl(content, { ...options, source: file });
  throw new Error(`${file}: expected a .csv, .tsv, .jsonl or .ndjson file`);
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/** Splits RFC 4180 CSV into records: quoted fields may hold delimiters, newlines and "" for a quote; LF or CRLF line ends. */
export function csvRecords(content: string, delimiter = ",", source = "CSV"): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new Error(`the CSV delimiter must be one character other than a quote or a line end, got ${JSON.stringify(delimiter)}`);
  }
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false; // the current field was a quoted one, already closed
  let line = 1;
  let recordLine = 1;
  const endField = (): void => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRecord = (): void => {
    // A blank line is no record (files often end with one).
    const blank = fields.length === 0 && field === "" && !quoted;
    endField();
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === delimiter) {
      endField();
      i++;
    } else if (char === "\n" || (char === "\r" && text[i + 1] === "\n")) {
      endRecord();
      i += char === "\r" ? 2 : 1;
      line++;
      recordLine = line;
    } else if (quoted) {
      throw new DataFormatError(source, line, `unexpected ${JSON.stringify(char)} after a closing quote (write a quote inside a quoted field as "")`);
    } else if (char === '"' && field === "") {
      const openingLine = line;
      for (i++; ; i++) {
        if (i >= text.length) throw new DataFormatError(source, openingLine, "a quoted field is never closed");
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (text[i] === '"') {
          break;
        } else {
          if (text[i] === "\n") line++;
          field += text[i];
        }
      }
      quoted = true;
      i++;
    } else if (char === '"') {
      throw new DataFormatError(source, line, 'a quote inside an unquoted field (quote the whole field and write the quote as "")');
    } else {
      field += char;
      i++;
    }
  }
  if (field !== "" || quoted || fields.length > 0) endRecord();
  return records;
}

/** Parses CSV with a header row into examples, checking every row has as many fields as the header. */
export function parseCsv(content: string, options: CsvOptions & { source?: string } = {}): Example[] {
  const source = options.source ?? "CSV";
  const [header, ...rows] = csvRecords(content, options.delimiter ?? ",", source);
  if (!header) throw new Error(`${source} is empty: expected a header row and examples`);
  const names = header.fields.map((name) => name.trim());
  const textIndex = columnIndex(names, options.textColumn, TEXT_COLUMNS, "text", source);
  const labelIndex = columnIndex(names, options.labelColumn, LABEL_COLUMNS, "label", source);
  const examples = rows.map(({ fields, line }) => {
    if (fields.length !== names.length) {
      throw new DataFormatError(source, line, `expected ${names.length} fields as in the header, found ${fields.length}`);
    }
    return checkedExample(fields[textIndex], fields[labelIndex], source, line);
  });
  if (examples.length === 0) throw new Error(`${source} has a header but no examples`);
  return examples;
}

/** Parses JSON Lines: one object a line with the text and label fields; blank lines are skipped. */
export function parseJsonl(content: string, options: ColumnOptions & { source?: string } = {}): Example[] {
  const source = options.source ?? "JSONL";
  const examples: Example[] = [];
  content.split(/\r?\n/).forEach((lineText, index) => {
    const line = index + 1;
    if (lineText.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      throw new DataFormatError(source, line, `invalid JSON: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DataFormatError(source, line, "expected a JSON object");
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const text = record[keys[columnIndex(keys, options.textColumn, TEXT_COLUMNS, "text", `${source}, line ${line}`)]];
    const label = record[keys[columnIndex(keys, options.labelColumn, LABEL_COLUMNS, "label", `${source}, line ${line}`)]];
    if (typeof text !== "string") throw new DataFormatError(source, line, "the text must be a string");
    if (typeof label !== "string" && typeof label !== "number" && typeof label !== "boolean") {
      throw new DataFormatError(source, line, "the label must be a string, number or boolean");
    }
    examples.push(checkedExample(text, String(label), source, line));
  });
  if (examples.length === 0) throw new Error(`${source} has no examples`);
  return examples;
}

function columnIndex(names: string[], wanted: string | undefined, defaults: string[], role: string, source: string): number {
  const lower = names.map((name) => name.toLowerCase());
  if (wanted !== undefined) {
    const index = lower.indexOf(wanted.toLowerCase());
    if (index < 0) throw new Error(`${source}: no ${role} column "${wanted}"; the columns are ${names.join(", ")}`);
    return index;
  }
  const index = lower.findIndex((name) => defaults.includes(name));
  if (index < 0) {
    throw new Error(`${source}: no ${role} column (looked for ${defaults.join(", ")}); the columns are ${names.join(", ")}. Name it with the ${role}Column option.`);
  }
  return index;
}

function checkedExample(text: string, label: string, source: string, line: number): Example {
  if (label.trim() === "") throw new DataFormatError(source, line, "the label is empty");
  return { text, label: label.trim() };
}

// aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt; train/unsup holds unlabelled reviews, which are skipped.
const REVIEW_PATH = /^(?:\.\/)?aclImdb\/(?:train|test)\/(pos|neg)\/[^/]+\.txt$/;

/**
 * The labelled reviews in an aclImdb .tar.gz (the IMDB data set), as examples labelled "negative" or "positive", in
 * archive order. They are read straight from the archive, with no 100,000 small files written out.
 */
export async function readImdbArchive(archive: string): Promise<Example[]> {
  // Loaded here, so that reading CSV and JSONL files does not need the tar package.
  const tar = await import("tar");
  const examples: Example[] = [];
  try {
    await tar.t({
      file: archive,
      filter: (entryPath) => REVIEW_PATH.test(entryPath),
      onReadEntry: (entry) => {
        const label = REVIEW_PATH.exec(entry.path)![1] === "pos" ? "positive" : "negative";
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        // The reviews mark line breaks with HTML <br /> tags.
        entry.on("end", () => examples.push({ text: Buffer.concat(chunks).toString("utf8").replace(/<br\s*\/?>/gi, " "), label }));
      },
    });
  } catch (error) {
    throw new Error(`cannot read the IMDB archive ${archive}: ${(error as Error).message}`, { cause: error });
  }
  if (examples.length === 0) throw new Error(`${archive} holds no aclImdb/{train,test}/{pos,neg}/*.txt reviews: is it aclImdb_v1.tar.gz?`);
  return examples;
}

/** The classes sorted (numbers by value), and each example's class index. Sorting keeps indices stable across shuffles. */
export function encodeLabels(labels: string[]): { classes: string[]; indices: number[] } {
  const classes = [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const indexOf = new Map(classes.map((label, index) => [label, index]));
  return { classes, indices: labels.map((label) => indexOf.get(label)!) };
}

export interface SplitOptions {
  /** Fraction of the examples for validation; default 0.1. */
  validation?: number;
  /** Fraction for the test set; default 0.1. */
  test?: number;
  /** Seed of the shuffle, so a run can be repeated; default 42. */
  seed?: number;
}

export interface Split<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/** Shuffles with a seeded generator, then cuts off the test and validation sets. */
export function splitDataset<T>(items: T[], options: SplitOptions = {}): Split<T> {
  const { validation = 0.1, test = 0.1, seed = 42 } = options;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw new Error(`validation (${validation}) and test (${test}) must be fractions that sum to less than 1`);
  }
  const shuffled = seededShuffle(items, seed);
  const testCount = Math.round(items.length * test);
  const validationCount = Math.round(items.length * validation);
  return {
    test: shuffled.slice(0, testCount),
    validation: shuffled.slice(testCount, testCount + validationCount),
    train: shuffled.slice(testCount + validationCount),
  };
}

/** Fisher-Yates with mulberry32, a small generator that is good enough for shuffling. */
export function seededShuffle<T>(items: T[], seed: number): T[] {
  const result = items.slice();
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}
