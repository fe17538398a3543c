// The IMDB movie reviews (Maas et al., 2011): 50,000 reviews labelled positive or negative, from the Stanford archive,
// downloaded once into the tfjs-studio cache with its checksum checked.
import { downloadFile } from "tfjs-studio";
import { readImdbArchive, type Example } from "./data";

export const IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";
export const IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";

export interface ImdbOptions {
  /** Where to download the archive from (a mirror, or a local server); default: Stanford's. */
  url?: string;
  /** The archive's sha256; default: the published one, which a mirror serves too. */
  sha256?: string;
}

/** Downloads (or takes from the cache) the IMDB archive, and returns its labelled train and test reviews. */
export async function loadImdb(options: ImdbOptions = {}): Promise<Example[]> {
  const url = options.url ?? IMDB_URL;
  const archive = await downloadFile(url, "imdb/aclImdb_v1.tar.gz", {
    sha256: options.sha256 ?? IMDB_SHA256,
    label: "IMDB reviews",
    offlineHint: "Without a network, set TEXT_DATA to a CSV or JSONL file of your own (text and label columns), or IMDB_URL to a reachable copy of aclImdb_v1.tar.gz.",
  });
  return readImdbArchive(archive);
}
