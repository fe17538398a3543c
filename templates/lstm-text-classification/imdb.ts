// The IMDB movie reviews (Maas et al., 2011): 50,000 reviews labelled positive or negative, from the Stanford archive.
// It is downloaded once into the tfjs-studio cache with its checksum checked; the reviews are read straight from the
// .tar.gz, with no 100,000 small files written out.
import * as tar from "tar";
import { downloadFile } from "tfjs-studio";
import type { Example } from "./data";

export const IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";
export const IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";

export interface ImdbOptions {
  /** Where to download the archive from (a mirror, or a local server); default: Stanford's. */
  url?: string;
  /** The archive's sha256; default: the published one. Set it when the URL serves another archive. */
  sha256?: string;
}

/** Downloads (or takes from the cache) the IMDB archive, and returns its labelled train and test reviews. */
export async function loadImdb(options: ImdbOptions = {}): Promise<Example[]> {
  const url = options.url ?? IMDB_URL;
  const archive = await downloadFile(url, "imdb/aclImdb_v1.tar.gz", {
    sha256: options.sha256 ?? (url === IMDB_URL ? IMDB_SHA256 : undefined),
    label: "IMDB reviews",
    offlineHint: "Without a network, set TEXT_DATA to a CSV or JSONL file of your own (text and label columns), or IMDB_URL to a reachable copy of aclImdb_v1.tar.gz.",
  });
  return readImdbArchive(archive);
}

// aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt; train/unsup holds unlabelled reviews, which are skipped.
const REVIEW_PATH = /^(?:\.\/)?aclImdb\/(?:train|test)\/(pos|neg)\/[^/]+\.txt$/;

/** The labelled reviews in an aclImdb .tar.gz, as examples labelled "negative" or "positive", in archive order. */
export async function readImdbArchive(archive: string): Promise<Example[]> {
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
    throw new Error(`cannot read the IMDB archive ${archive}: ${(error as Error).message}`);
  }
  if (examples.length === 0) throw new Error(`${archive} holds no aclImdb/{train,test}/{pos,neg}/*.txt reviews: is it aclImdb_v1.tar.gz?`);
  return examples;
}
