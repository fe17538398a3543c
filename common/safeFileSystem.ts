// File system steps that fail at once, saying why, instead of blocking the kernel (model files, run logs,
// history, downloads):
// Node's recursive mkdir never returns under /proc, reading or writing a named pipe waits for the
// other end forever, and reading a kernel file such as /proc/kmsg waits for its next message.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, type Stats } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** Words for the errors a user can act on; Node's own message for the rest. */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the disk",
  EDQUOT: "the disk quota is used up",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EISDIR: "it is a directory",
  EAGAIN: "it has no saved data; reading would wait for new data",
};

export function whyFailed(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  return (code !== undefined && REASONS[code]) || ((error as Error)?.message ?? String(error));
}

/** Why creating or writing an entry in an existing directory failed. */
function whyNotWritten(error: unknown): string {
  // The directory exists, so ENOENT means a file system such as /proc that makes nothing on demand.
  return (error as NodeJS.ErrnoException)?.code === "ENOENT" ? "this file system does not allow it" : whyFailed(error);
}

/** The stats of `path`, or undefined when nothing is there (also when a part of the path is a file). */
export function statIfExists(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw new Error(`cannot look at ${path} (${whyFailed(error)})`, { cause: error });
  }
}

/** The nearest existing path at or above `path` (the root always exists). */
export function existingAncestor(path: string): { path: string; stats: Stats } {
  let at = resolve(path);
  let stats = statIfExists(at);
  while (!stats) {
    at = dirname(at);
    stats = statIfExists(at);
  }
  return { path: at, stats };
}

/** Creates `dir` and its missing parents one level at a time, each failure naming the directory and why. */
export function createDirectory(dir: string): void {
  const target = resolve(dir);
  const ancestor = existingAncestor(target);
  if (!ancestor.stats.isDirectory()) throw new Error(`${ancestor.path} is a file, not a directory`);
  let at = ancestor.path;
  for (const name of relative(ancestor.path, target).split(sep).filter(Boolean)) {
    at = join(at, name);
    try {
      mkdirSync(at);
    } catch (error) {
      // Another process (a second kernel) may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && statIfExists(at)?.isDirectory()) continue;
      throw new Error(`cannot create the directory ${at} (${whyNotWritten(error)})`, { cause: error });
    }
  }
}

/** Why an existing entry cannot be read or written as a file, or undefined when it can. */
export function notRegularFile(stats: Stats): string | undefined {
  if (stats.isDirectory()) return "it is a directory, not a file";
  // A named pipe or a device would block or never end.
  if (!stats.isFile()) return "it is not a regular file";
  return undefined;
}

/** The bytes of the regular file at `path`, read without ever waiting; errors say why through whyFailed. */
export function readRegularFile(path: string): Buffer {
  // Non-blocking: opening a named pipe does not wait for a writer, and reading a file with no data yet
  // (/proc/kmsg has a regular file's stats) fails with EAGAIN.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const notFile = notRegularFile(fstatSync(fd));
    if (notFile) throw new Error(notFile);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `path` in an existing directory, replacing a regular file only. */
export function writeRegularFile(path: string, data: string | Uint8Array): void {
  const stats = statIfExists(path);
  const notFile = stats && notRegularFile(stats);
  if (notFile) throw new Error(`cannot write ${path} (${notFile})`);
  try {
    writeFileSync(path, data);
  } catch (error) {
    throw new Error(`cannot write ${path} (${whyNotWritten(error)})`, { cause: error });
  }
}
