// Test fixture: small MNIST-shaped IDX files with a learnable rule, and a local HTTP server for them.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

export const IDX_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

/** An unsigned-byte IDX file: magic 0x00 0x00 0x08 rank, the dimensions as big-endian uint32, the bytes. */
export function idxBytes(shape: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/**
 * `count` 28 × 28 images on a noisy dark background; class c is a bright 7 × 7 block in cell c of
 * a 3 × 4 grid, shifted by up to a pixel. With `mislabelEvery`, every such image carries the wrong label,
 * so a model that learned the rule still has misclassified images. Returns the IDX files (not gzipped).
 */
export function syntheticDigits(count: number, seed: number, mislabelEvery = 0): { images: Buffer; labels: Buffer } {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 10;
    labels[n] = mislabelEvery > 0 && n % mislabelEvery === mislabelEvery - 1 ? (label + 1) % 10 : label;
    const top = Math.floor(label / 4) * 9 + Math.floor(random() * 2);
    const left = (label % 4) * 7 + Math.floor(random() * 2) - (label % 4 === 3 ? 1 : 0);
    for (let p = 0; p < 784; p++) images[n * 784 + p] = Math.floor(random() * 60);
    for (let y = top; y < top + 7; y++) {
      for (let x = left; x < left + 7; x++) images[n * 784 + y * 28 + x] = 200 + Math.floor(random() * 56);
    }
  }
  return { images: idxBytes([count, 28, 28], images), labels: idxBytes([count], labels) };
}

/** The four MNIST files by name: gzipped (`name.gz`) or raw (`name`). One test label in 8 is wrong. */
export function syntheticMnistFiles(trainCount: number, testCount: number, gzipped: boolean): Map<string, Buffer> {
  const train = syntheticDigits(trainCount, 1);
  const test = syntheticDigits(testCount, 2, 8);
  const raw = [train.images, train.labels, test.images, test.labels];
  return new Map(IDX_FILES.map((name, i) => (gzipped ? [`${name}.gz`, gzipSync(raw[i])] : [name, raw[i]])));
}

export function writeFiles(dir: string, files: Map<string, Buffer>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
}

export function sha256Of(files: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...files].map(([name, bytes]) => [name, createHash("sha256").update(bytes).digest("hex")]));
}

export interface FileServer {
  /** Ends with a slash. */
  baseUrl: string;
  /** The paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `files` at /mnist/<name> on 127.0.0.1 and a random port; anything else is a 404. */
export async function serveFiles(files: Map<string, Buffer>): Promise<FileServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    const body = files.get(path.posix.basename(request.url ?? ""));
    if (!body || !request.url?.startsWith("/mnist/")) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/mnist/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL on 127.0.0.1 where nothing listens: a port that was just free. */
export async function unreachableBaseUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/mnist/`;
}
