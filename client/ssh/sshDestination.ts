// Where to connect: "ssh://user@host:port", "user@host:port" or a Host alias of ~/.ssh/config, resolved the way
// ssh resolves it (HostName, User, Port, IdentityFile, ProxyJump) with the `ssh-config` package.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import SSHConfig from "ssh-config";

export interface SshDestination {
  /** What the user typed or picked: shown in messages and used as the controller's host name. */
  label: string;
  host: string;
  port: number;
  user: string;
  /** Private keys to offer, in order: the command line's, then the config's. */
  identityFiles: string[];
  /** One bastion to hop through (ProxyJump), itself resolved through the config. */
  jump?: SshDestination;
}

export function defaultSshConfigFile(): string {
  return path.join(os.homedir(), ".ssh", "config");
}

/** The concrete Host names of an ssh config (patterns with * or ? left out), for a pick list. */
export function configuredHosts(configFile = defaultSshConfigFile()): string[] {
  const config = readConfig(configFile);
  const hosts = new Set<string>();
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== "host") continue;
    const values = typeof line.value === "string" ? line.value.split(/\s+/) : line.value.map((part) => part.val);
    for (const value of values) if (value && !/[*?!]/.test(value)) hosts.add(value);
  }
  return [...hosts];
}

export interface DestinationOptions {
  configFile?: string;
  /** An identity file given on the command line, offered first. */
  identityFile?: string;
}

/** Parses what the user gave and fills in the rest from the ssh config. */
export function resolveDestination(text: string, options: DestinationOptions = {}, depth = 0): SshDestination {
  const parsed = parseDestination(text);
  const computed = readConfig(options.configFile ?? defaultSshConfigFile()).compute(parsed.host) as Record<string, string | string[] | undefined>;
  const single = (key: string) => {
    const value = computed[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const port = parsed.port ?? numberOrUndefined(single("Port")) ?? 22;
  const configured = computed.IdentityFile;
  const identityFiles = [...(options.identityFile ? [options.identityFile] : []), ...(Array.isArray(configured) ? configured : configured ? [configured] : [])].map(expandHome);
  const proxyJump = single("ProxyJump");
  let jump: SshDestination | undefined;
  if (proxyJump && proxyJump.toLowerCase() !== "none") {
    if (proxyJump.includes(",")) throw new Error(`${parsed.host}: ProxyJump ${proxyJump} has more than one hop; one bastion is supported`);
    if (depth > 0) throw new Error(`${parsed.host}: the bastion ${text} has a ProxyJump of its own; one bastion is supported`);
    jump = resolveDestination(proxyJump, { configFile: options.configFile }, depth + 1);
  }
  return {
    label: text,
    host: single("HostName") ?? parsed.host,
    port,
    user: parsed.user ?? single("User") ?? os.userInfo().username,
    identityFiles,
    jump,
  };
}

/** "ssh://user@host:port", "user@host:port", "user@[::1]:port" or "host": each part but the host optional. */
export function parseDestination(text: string): { user?: string; host: string; port?: number } {
  const trimmed = text.trim().replace(/^ssh:\/\//i, "").replace(/\/$/, "");
  const match = /^(?:([^@\s/]+)@)?(\[[^\]]+\]|[^:@\s/[\]]+)(?::(\d+))?$/.exec(trimmed);
  if (!match) throw new Error(`"${text}" is not an SSH destination: give user@host, user@host:port, ssh://user@host:port or a Host from ~/.ssh/config`);
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`"${text}": the port must be from 1 to 65535`);
  return { user: match[1] ? decodeURIComponent(match[1]) : undefined, host: match[2].replace(/^\[|\]$/g, ""), port };
}

function readConfig(file: string): SSHConfig {
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return SSHConfig.parse(text);
  } catch (error) {
    throw new Error(`${file} is not a valid ssh config: ${(error as Error).message}`, { cause: error });
  }
}

function numberOrUndefined(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) ? value : undefined;
}

function expandHome(file: string): string {
  return file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file;
}
