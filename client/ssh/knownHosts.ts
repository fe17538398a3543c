// ~/.ssh/known_hosts, read and written the way OpenSSH does: plain and hashed (|1|salt|hash) host fields,
// [host]:port for ports other than 22, patterns with * ? and !, @revoked and @cert-authority markers. ssh2 accepts
// any host key unless told otherwise; every connection goes through checkHostKey instead.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export type HostKeyVerdict =
  | { kind: "known" }
  | { kind: "unknown" }
  /** The host is listed with another key of the same type: a reinstalled host, or someone in the middle. */
  | { kind: "changed"; file: string; line: number }
  | { kind: "revoked"; file: string; line: number };

export function defaultKnownHostsFile(): string {
  return path.join(os.homedir(), ".ssh", "known_hosts");
}

/** The name known_hosts files give a host: "host", or "[host]:port" when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key's type, from its SSH wire blob (a length-prefixed string first). */
export function hostKeyType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint: "SHA256:" and the unpadded base64 of the blob's SHA-256. */
export function hostKeyFingerprint(blob: Buffer): string {
  return `SHA256:${crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** What known_hosts says of this host's key: known, unknown, changed or revoked. */
export function checkHostKey(file: string, host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const type = hostKeyType(blob);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "unknown" };
    throw error;
  }
  let changed: HostKeyVerdict | undefined;
  let known = false;
  text.split("\n").forEach((raw, index) => {
    const entry = parseLine(raw);
    if (!entry || !hostsMatch(entry.hosts, name)) return;
    const sameKey = entry.keyType === type && entry.key.equals(blob);
    if (entry.marker === "@revoked") {
      if (entry.key.equals(blob)) changed = { kind: "revoked", file, line: index + 1 };
      return;
    }
    if (entry.marker !== undefined) return; // @cert-authority: we do not verify host certificates.
    if (sameKey) known = true;
    else if (entry.keyType === type) changed ??= { kind: "changed", file, line: index + 1 };
  });
  if (changed?.kind === "revoked") return changed;
  if (known) return { kind: "known" };
  return changed ?? { kind: "unknown" };
}

/** Adds the host's key, hashed as Debian's ssh does by default (HashKnownHosts yes), creating the file with 0600. */
export function addHostKey(file: string, host: string, port: number, blob: Buffer): void {
  const salt = crypto.randomBytes(20);
  const hash = crypto.createHmac("sha1", salt).update(knownHostName(host, port)).digest();
  const line = `|1|${salt.toString("base64")}|${hash.toString("base64")} ${hostKeyType(blob)} ${blob.toString("base64")}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = "";
  try {
    const existing = fs.readFileSync(file, "utf8");
    if (existing.length > 0 && !existing.endsWith("\n")) prefix = "\n";
  } catch {
    // A new file.
  }
  fs.appendFileSync(file, prefix + line, { mode: 0o600 });
}

interface Entry {
  marker?: string;
  hosts: string;
  keyType: string;
  key: Buffer;
}

function parseLine(raw: string): Entry | undefined {
  const line = raw.trim();
  if (line === "" || line.startsWith("#")) return undefined;
  const fields = line.split(/\s+/);
  const marker = fields[0].startsWith("@") ? fields.shift() : undefined;
  if (fields.length < 3) return undefined;
  return { marker, hosts: fields[0], keyType: fields[1], key: Buffer.from(fields[2], "base64") };
}

function hostsMatch(hosts: string, name: string): boolean {
  if (hosts.startsWith("|1|")) {
    const [, , salt, hash] = hosts.split("|");
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, "base64");
    const actual = crypto.createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
    return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
  }
  let matched = false;
  for (const pattern of hosts.split(",")) {
    const negated = pattern.startsWith("!");
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(name);
}
