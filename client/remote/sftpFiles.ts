// A host's files read over SFTP, as common/readableFiles.ts defines reading: the metrics panel follows a remote
// kernel's run logs through it. The SFTP channel is opened on the session's current SSH connection when first
// needed and again after a reconnect; while the link is down every call fails at once with ENOTCONN.
import type { SFTPWrapper } from "ssh2";
import type { ReadableFileHandle, ReadableFiles } from "../../common/readableFiles";
import type { SshConnection } from "../ssh/sshConnection";

/** SFTP's status codes (draft-ietf-secsh-filexfer-02), as ssh2 passes them on its errors' `code`. */
const SFTP_NO_SUCH_FILE = 2;

export class SftpFiles implements ReadableFiles {
  private channel: { connection: SshConnection; sftp: Promise<SFTPWrapper> } | undefined;

  /** `connection` is the link to use now, or undefined while it is down. */
  constructor(private readonly connection: () => SshConnection | undefined) {}

  async open(file: string): Promise<ReadableFileHandle> {
    const sftp = await this.sftp();
    const handle = await call<Buffer>((done) => sftp.open(file, "r", done));
    return {
      stat: async () => ({ size: (await call<{ size: number }>((done) => sftp.fstat(handle, done))).size }),
      read: (buffer, position) => call<number>((done) => sftp.read(handle, buffer, 0, buffer.length, position, (error, bytesRead) => done(error, bytesRead))),
      close: () => call<void>((done) => sftp.close(handle, done)),
    };
  }

  async readText(file: string): Promise<string | undefined> {
    const sftp = await this.sftp();
    return call<Buffer>((done) => sftp.readFile(file, done)).then(
      (data) => data.toString("utf8"),
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      },
    );
  }

  async list(dir: string): Promise<string[]> {
    const sftp = await this.sftp();
    return call<{ filename: string }[]>((done) => sftp.readdir(dir, done)).then(
      (entries) => entries.map((entry) => entry.filename),
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      },
    );
  }

  /** Ends the SFTP channel (the connection stays). */
  close(): void {
    void this.channel?.sftp.then((sftp) => sftp.end(), () => undefined);
    this.channel = undefined;
  }

  private sftp(): Promise<SFTPWrapper> {
    const connection = this.connection();
    if (!connection) return Promise.reject(linkDown());
    if (this.channel?.connection !== connection) {
      this.close();
      const sftp = new Promise<SFTPWrapper>((resolve, reject) => connection.client.sftp((error, wrapper) => (error ? reject(linkDown(error.message)) : resolve(wrapper))));
      this.channel = { connection, sftp };
      // A channel that failed to open is opened again on the next call.
      sftp.catch(() => {
        if (this.channel?.sftp === sftp) this.channel = undefined;
      });
    }
    return this.channel.sftp;
  }
}

/** Calls an ssh2 SFTP method, with its errors given Node's codes. */
function call<T>(method: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      method((error, value) => (error ? reject(nodeError(error)) : resolve(value as T)));
    } catch (error) {
      // ssh2 throws when the channel has closed under it (the link dropped between two calls).
      reject(linkDown((error as Error).message));
    }
  });
}

/** The server's answers carry an SFTP status code; an error without one is the channel's ("No response from
 * server" as the link dropped), so it counts as the link being down. */
function nodeError(error: Error & { code?: unknown }): NodeJS.ErrnoException {
  if (typeof error.code !== "number") return linkDown(error.message);
  return Object.assign(error, { code: error.code === SFTP_NO_SUCH_FILE ? "ENOENT" : `SFTP_${error.code}` });
}

function linkDown(detail?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`the link is down${detail ? ` (${detail})` : ""}`), { code: "ENOTCONN" });
}
