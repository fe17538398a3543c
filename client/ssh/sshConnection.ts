// One SSH connection with the `ssh2` package, through one bastion when the destination has a ProxyJump. Every hop's
// host key is checked against known_hosts: an unknown key is trusted only when the user says yes, a changed one is
// refused. A keepalive goes 4 s after the link last carried anything and another 4 s later; when neither is
// answered 4 s after that, the connection ends: a dead link, even one that closes nothing, is noticed within 12 s.
import { Client, type ClientChannel } from "ssh2";
import { authenticationHandler, type AuthenticationLog, type SshPrompts } from "./sshAuthentication";
import type { SshDestination } from "./sshDestination";
import { addHostKey, checkHostKey, defaultKnownHostsFile, hostKeyFingerprint, hostKeyType, knownHostName } from "./knownHosts";

export const KEEPALIVE_INTERVAL_MS = 4_000;
export const KEEPALIVE_COUNT_MAX = 2;

export interface SshConnectOptions {
  prompts: SshPrompts;
  knownHostsFile?: string;
  /** How long the TCP connect and the SSH handshake may take. */
  readyTimeoutMs?: number;
}

/** A connection that could not be made; the message says what to check. */
export class SshConnectError extends Error {
  override name = "SshConnectError";
}

export interface SshConnection {
  destination: SshDestination;
  client: Client;
  /** Resolves when the link is gone: closed by us, by the server, or dead (keepalives unanswered). */
  closed: Promise<void>;
  /** Runs a command and gives its exit code and output; the remote's shell parses `command`. `onOutput` sees its
   * stdout and stderr as they come, for long commands whose progress is shown. */
  exec(command: string, input?: string, onOutput?: (chunk: string) => void): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A TCP stream to host:port as the remote sees it (its 127.0.0.1 is its own). */
  forwardOut(host: string, port: number): Promise<ClientChannel>;
  close(): void;
}

export async function connectSsh(destination: SshDestination, options: SshConnectOptions): Promise<SshConnection> {
  const jump = destination.jump ? await connectSsh(destination.jump, options) : undefined;
  try {
    const sock = jump ? await jump.forwardOut(destination.host, destination.port).catch((error: Error) => {
      throw new SshConnectError(`the bastion ${jump.destination.label} could not reach ${destination.host}:${destination.port}: ${error.message}`, { cause: error });
    }) : undefined;
    const client = await handshake(destination, options, sock);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    closed.then(() => jump?.close(), () => {});
    return {
      destination,
      client,
      closed,
      exec: (command, input, onOutput) => exec(client, command, input, onOutput),
      forwardOut: (host, port) =>
        new Promise((resolve, reject) => client.forwardOut("127.0.0.1", 0, host, port, (error, channel) => (error ? reject(error) : resolve(channel)))),
      close: () => client.end(),
    };
  } catch (error) {
    jump?.close();
    throw error;
  }
}

function handshake(destination: SshDestination, options: SshConnectOptions, sock: ClientChannel | undefined): Promise<Client> {
  const knownHosts = options.knownHostsFile ?? defaultKnownHostsFile();
  const where = `${destination.host}:${destination.port}`;
  const log: AuthenticationLog = { tried: [] };
  let refusal: SshConnectError | undefined;
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("ready", () => {
      client.removeAllListeners("error");
      // Errors after the handshake (a reset link) end in "close", which the connection's owner watches.
      client.on("error", () => {});
      resolve(client);
    });
    client.once("error", (error: Error & { level?: string; code?: string }) => reject(refusal ?? connectError(destination, error, log)));
    client.connect({
      host: destination.host,
      port: destination.port,
      sock,
      username: destination.user,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      authHandler: authenticationHandler(destination, options.prompts, log),
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        const verdict = checkHostKey(knownHosts, destination.host, destination.port, key);
        const fingerprint = hostKeyFingerprint(key);
        switch (verdict.kind) {
          case "known":
            return verify(true);
          case "changed":
          case "revoked":
            refusal = new SshConnectError(
              `${where} offered a ${hostKeyType(key)} host key (${fingerprint}) that ${verdict.kind === "revoked" ? "is marked @revoked" : "differs from the one recorded"} in ${verdict.file} line ${verdict.line}. ` +
                `Someone may be intercepting the connection, or the host was reinstalled. Check the key with the host's administrator; if it is right, remove the old one with: ssh-keygen -R "${knownHostName(destination.host, destination.port)}"`,
            );
            return verify(false);
          case "unknown":
            void options.prompts.confirmHostKey({ host: destination.host, port: destination.port, keyType: hostKeyType(key), fingerprint }).then(
              (trusted) => {
                if (trusted) addHostKey(knownHosts, destination.host, destination.port, key);
                else refusal = new SshConnectError(`${where}: the host key ${fingerprint} was not trusted, so no connection was made`);
                verify(trusted);
              },
              (error: Error) => {
                refusal = new SshConnectError(`${where}: could not ask about the host key: ${error.message}`, { cause: error });
                verify(false);
              },
            );
        }
      },
    });
  });
}

function connectError(destination: SshDestination, error: Error & { level?: string; code?: string }, log: AuthenticationLog): SshConnectError {
  const where = `${destination.host}:${destination.port}`;
  if (error.level === "client-authentication") {
    const tried = log.tried.length > 0 ? `tried ${log.tried.join(", ")}` : "no key, agent or password was available";
    return new SshConnectError(`could not log in to ${destination.user}@${where}: ${tried}. Give a key with --identity (or IdentityFile in ~/.ssh/config), or load one into ssh-agent`, { cause: error });
  }
  if (error.code === "ECONNREFUSED") return new SshConnectError(`no SSH server answers on ${where} (connection refused)`, { cause: error });
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") return new SshConnectError(`${destination.host}: no such host (${error.code})`, { cause: error });
  if (error.level === "client-timeout") return new SshConnectError(`${where} did not finish the SSH handshake in time: is it reachable, and is it an SSH server?`, { cause: error });
  return new SshConnectError(`SSH to ${where} failed: ${error.message}`, { cause: error });
}

function exec(client: Client, command: string, input?: string, onOutput?: (chunk: string) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      channel.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        onOutput?.(chunk.toString());
      });
      channel.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        onOutput?.(chunk.toString());
      });
      channel.once("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
      channel.end(input);
    });
  });
}
