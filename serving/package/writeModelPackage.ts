// Writes model.tar.gz: the model's files at the archive's root (SageMaker untars it into /opt/ml/model) and
// serving.json beside them. Staged in a temporary folder and renamed into place, so a failed or interrupted
// write never leaves a half archive under the name a deploy would upload.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { createDirectory } from "../../common/safeFileSystem";
import { SERVING_MANIFEST_FILE } from "../../protocol/servingManifest";
import type { ModelPackage, PackagedFile } from "./modelPackage";

export interface WrittenPackage {
  file: string;
  size: number;
  /** Every entry of the archive with its size, serving.json last. */
  entries: PackagedFile[];
}

export async function writeModelPackage(modelPackage: ModelPackage, outFile: string): Promise<WrittenPackage> {
  const file = path.resolve(outFile);
  createDirectory(path.dirname(file));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-package-"));
  const partial = `${file}.partial-${process.pid}`;
  try {
    for (const { name } of modelPackage.files) {
      const target = path.join(staging, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(modelPackage.dir, name), target);
    }
    const manifestText = `${JSON.stringify(modelPackage.manifest, null, 2)}\n`;
    fs.writeFileSync(path.join(staging, SERVING_MANIFEST_FILE), manifestText);
    const entries = [...modelPackage.files, { name: SERVING_MANIFEST_FILE, size: Buffer.byteLength(manifestText) }];
    // portable: no owner or group of this machine in the entries.
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, entries.map((entry) => entry.name));
    fs.renameSync(partial, file);
    return { file, size: fs.statSync(file).size, entries };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

/** The archive as a tree with sizes, as `tfjs-studio package` prints it. */
export function formatPackageTree(written: WrittenPackage): string {
  const width = Math.max(...written.entries.map((entry) => entry.name.length));
  const lines = written.entries.map((entry, index) => {
    const branch = index === written.entries.length - 1 ? "└──" : "├──";
    return `${branch} ${entry.name.padEnd(width)}  ${formatBytes(entry.size).padStart(9)}`;
  });
  return [`${written.file} (${formatBytes(written.size)})`, ...lines].join("\n");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
