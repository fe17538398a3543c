// Where the notebook's examples come from: a data file of your own (data.ts), or the IMDB reviews (imdb.ts).
import { loadTextData, type CsvOptions, type Example } from "./data";
import type { ImdbOptions } from "./imdb";

export interface LoadOptions extends CsvOptions {
  imdb?: ImdbOptions;
}

/** Examples from `source`: a .csv, .tsv, .jsonl or .ndjson file, or "imdb" for the IMDB reviews (downloaded once). */
export async function loadExamples(source: string, options: LoadOptions = {}): Promise<Example[]> {
  if (source.toLowerCase() === "imdb") {
    // Loaded only when asked for, so that the offline path needs neither the downloader nor the archive reader.
    const { loadImdb } = await import("./imdb");
    return loadImdb(options.imdb);
  }
  return loadTextData(source, options);
}
