// A real OpenSSH server (Debian's openssh-server) on 127.0.0.1 on a free port, with a temporary host key, a user key
// and authorized_keys, for the tests of remote kernels. It logs in the user running the tests. stop() ends it and
// every session it serves; killSessions() ends the sessions only, as a dropped link would.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { freePorts } from "../../client/kernelLauncher";

export const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  port: number;
  /** The host's public key line ("ssh-ed25519 AAAA... comment"), as known_hosts holds it after the type. */
  hostPublicKey: string;
  /** A private key authorized_keys accepts. */
  userKey: string;
  user: string;
  dir: string;
  /** Ends the sshd processes that serve connections (each session's own), leaving the listener up. */
  killSessions(): void;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** The environment of every session (sshd_config's SetEnv), e.g. a PATH with fake commands first. */
  setEnv?: Record<string, string>;
  /** sshd_config keywords that replace or add to the defaults, e.g. { AllowTcpForwarding: "no" }. */
  settings?: Record<string, string>;
}

export async function startSshd(dir: string, name = "sshd", options: SshdOptions = {}): Promise<Sshd> {
  fs.mkdirSync(dir, { recursive: true });
  const hostKey = path.join(dir, `${name}_host_ed25519`);
  const userKey = path.join(dir, `${name}_user_ed25519`);
  for (const key of [hostKey, userKey]) if (!fs.existsSync(key)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key]);
  const authorizedKeys = path.join(dir, `${name}_authorized_keys`);
  fs.copyFileSync(`${userKey}.pub`, authorizedKeys);
  fs.chmodSync(authorizedKeys, 0o600);
  // Run as root, sshd wants its privilege separation directory.
  if (process.getuid?.() === 0) fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const [port] = await freePorts(1);
  const config = path.join(dir, `${name}_config`);
  fs.writeFileSync(
    config,
    Object.entries({
      Port: String(port),
      ListenAddress: "127.0.0.1",
      HostKey: hostKey,
      PidFile: path.join(dir, `${name}.pid`),
      AuthorizedKeysFile: authorizedKeys,
      PubkeyAuthentication: "yes",
      PasswordAuthentication: "no",
      KbdInteractiveAuthentication: "no",
      PermitRootLogin: "prohibit-password",
      StrictModes: "no",
      UsePAM: "no",
      AllowTcpForwarding: "yes",
      Subsystem: "sftp internal-sftp",
      LogLevel: "ERROR",
      ...options.settings,
    })
      .map(([keyword, value]) => `${keyword} ${value}\n`)
      .concat(Object.entries(options.setEnv ?? {}).map(([key, value]) => `SetEnv ${key}="${value}"\n`))
      .join(""),
  );
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(port, child, () => stderr);
  return {
    port,
    hostPublicKey: fs.readFileSync(`${hostKey}.pub`, "utf8").trim(),
    userKey,
    user: os.userInfo().username,
    dir,
    killSessions: () => killChildren(child.pid!),
    stop: () => stopSshd(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on ${port} within 10 s: ${stderr()}`);
}

/** The sshd processes under the listener serve the connections (one privileged, one per session); killing them drops
 * those links at once. The user's own processes (a detached kernel) are not sshd and are left alone. */
function killChildren(pid: number): void {
  for (const child of sshdChildren(pid)) {
    killChildren(child);
    try {
      process.kill(child, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

function sshdChildren(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid), "-x", "sshd"], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

async function stopSshd(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  killChildren(child.pid!);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
