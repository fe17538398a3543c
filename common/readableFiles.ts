// Reading files that may live on this machine or on an SSH host: what the metrics panel needs to follow run logs
// wherever the kernel writes them. Errors carry Node's codes either way (ENOENT for a missing file, ENOTCONN while
// the link to a host is down), so callers tell "gone" from "not reachable now" the same way for both.
import { open, readFile, readdir } from "node:fs/promises";

export interface ReadableFileHandle {
  /** ino identifies the file where the file system knows it (a replaced file gets a new one); SFTP does not. */
  stat(): Promise<{ size: number; ino?: number }>;
  /** Reads into buffer from position; returns the bytes read. */
  read(buffer: Buffer, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface ReadableFiles {
  open(file: string): Promise<ReadableFileHandle>;
  /** The file's text, or undefined when it does not exist. */
  readText(file: string): Promise<string | undefined>;
  /** The names in a folder; none when it does not exist. */
  list(dir: string): Promise<string[]>;
}

export const localFiles: ReadableFiles = {
  async open(file) {
    const handle = await open(file, "r");
    return {
      stat: async () => {
        const { size, ino } = await handle.stat();
        return { size, ino };
      },
      read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
      close: () => handle.close(),
    };
  },
  readText: (file) => readFile(file, "utf8").catch(missingAs(undefined)),
  list: (dir) => readdir(dir).catch(missingAs([])),
};

/** Maps ENOENT to a value, rethrowing anything else. */
export function missingAs<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return value;
    throw error;
  };
}
