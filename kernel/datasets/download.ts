// downloadFile(): fetches a data set file once into the tfjs-studio cache, with a progress display,
// retries, a sha256 check and an atomic write, so that an interrupted or corrupt download never
// looks like a cached file.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";
import { createDirectory } from "../../common/safeFileSystem";
import { cacheDir } from "../cacheDir";
import { ProgressDisplay } from "../inKernelModules/progressDisplay";

export interface DownloadOptions {
  /** Expected sha256 (hex) of the file: checked after the download, and on the cached copy before it is used. */
  sha256?: string;
  /** What the progress display calls the file (default: its name). */
  label?: string;
  /** Appended to network errors, e.g. how to use a local copy instead. */
  offlineHint?: string;
}

/** A download that failed for good: the network, the server, or the checksum. */
export class DownloadError extends Error {
  override name = "DownloadError";
}

const ATTEMPTS = 3;
const RETRY_DELAYS_MS = [500, 2000];
/** No response, or no bytes, for this long counts as a failed attempt. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * Downloads `url` to `dest` (relative paths are inside cacheDir()) unless it is already there, and
 * returns the file's absolute path. A cached file whose checksum does not match is downloaded again.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<string> {
  const file = isAbsolute(dest) ? dest : join(cacheDir(), dest);
  const label = options.label ?? basename(file);
  const expected = options.sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new TypeError(`downloadFile: sha256 for ${label} must be 64 hexadecimal digits, got ${JSON.stringify(options.sha256)}`);
  }
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TypeError(`downloadFile: ${JSON.stringify(url)} is not a URL`);
  }
  if (protocol !== "http:" && protocol !== "https:") throw new TypeError(`downloadFile: only http and https URLs can be downloaded, got ${url}`);

  if (await isFile(file)) {
    if (expected === undefined || (await sha256OfFile(file)) === expected) return file;
    await rm(file, { force: true });
  }

  createDirectory(dirname(file));
  const part = `${file}.${randomBytes(4).toString("hex")}.part`;
  const progress = new ProgressDisplay();
  try {
    const actual = await fetchWithRetries(url, part, label, progress, options.offlineHint);
    if (expected !== undefined && actual !== expected) {
      throw new DownloadError(
        `${label} from ${url} is corrupt or not the expected file: its sha256 is ${actual}, expected ${expected}. ` +
          `The download was deleted; run again to retry, or check the URL.`,
      );
    }
    await rename(part, file);
    return file;
  } finally {
    await rm(part, { force: true });
  }
}

/** Streams the URL into `part`, retrying network failures and server errors; returns the sha256. */
async function fetchWithRetries(url: string, part: string, label: string, progress: ProgressDisplay, hint?: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(url, part, label, progress);
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure.retryable || attempt === ATTEMPTS) {
        progress.finish(`${label}: download failed`, 0);
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
        throw new DownloadError(`Cannot download ${label} from ${url}${tries}: ${failure.reason}.${hint ? ` ${hint}` : ""}`);
      }
      progress.finish(`${label}: ${failure.reason}; retrying (${attempt + 1}/${ATTEMPTS})`, 0);
      await new Promise((wake) => setTimeout(wake, RETRY_DELAYS_MS[attempt - 1]));
    }
  }
}

class HttpStatusError extends Error {
  constructor(readonly status: number, statusText: string) {
    super(`the server answered HTTP ${status}${statusText ? ` ${statusText}` : ""}`);
  }
}

async function fetchOnce(url: string, part: string, label: string, progress: ProgressDisplay): Promise<string> {
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
  };
  const output = await open(part, "w");
  try {
    const response = await fetch(url, { signal: abort.signal });
    if (!response.ok || !response.body) throw new HttpStatusError(response.status, response.statusText);
    const total = Number(response.headers.get("content-length")) || undefined;
    const hash = createHash("sha256");
    let received = 0;
    progress.update(progressText(label, received, total), total ? 0 : undefined);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      stillAlive();
      hash.update(chunk);
      await output.write(chunk);
      received += chunk.byteLength;
      progress.update(progressText(label, received, total), total ? received / total : undefined);
    }
    if (total !== undefined && received !== total) throw new Error(`the connection closed after ${received} of ${total} bytes`);
    progress.finish(`${label}: ${formatBytes(received)} downloaded`);
    return hash.digest("hex");
  } finally {
    clearTimeout(timer);
    await output.close();
  }
}

function describeFailure(error: unknown): { reason: string; retryable: boolean } {
  if (error instanceof HttpStatusError) return { reason: error.message, retryable: error.status >= 500 || error.status === 429 };
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err.name === "AbortError") return { reason: `no data for ${IDLE_TIMEOUT_MS / 1000} s`, retryable: true };
  // fetch() reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND, ...) in its cause.
  const cause = err.cause?.message ?? err.message;
  return { reason: `the network request failed (${cause})`, retryable: true };
}

function progressText(label: string, received: number, total: number | undefined): string {
  if (!total) return `Downloading ${label}: ${formatBytes(received)}`;
  return `Downloading ${label}: ${formatBytes(received)} of ${formatBytes(total)} (${Math.floor((100 * received) / total)}%)`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
