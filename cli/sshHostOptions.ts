// The options that say how to reach an SSH host, shared by `connect`, `deploy ssh`, `endpoints --ssh` and
// `delete-endpoint --ssh`, and the SSH-host deploy provider made from them.
import { resolveDestination, type SshDestination } from "../client/ssh/sshDestination";
import { SshHostProvider } from "./sshHostProvider";
import { terminalPrompts } from "./terminalPrompts";

export const SSH_HOST_OPTIONS = {
  identity: { type: "string", short: "i" },
  "remote-dir": { type: "string" },
  node: { type: "string" },
  "known-hosts": { type: "string" },
  "ssh-config": { type: "string" },
} as const;

export const SSH_HOST_USAGE = `  --identity FILE         a private key to offer first (-i)
  --remote-dir DIR        the host's folder for runtimes, kernels and endpoints (default ~/.tfjs-studio)
  --node PATH             the host's node, when it is not on the PATH
  --known-hosts FILE      default ~/.ssh/known_hosts; an unknown host key is asked about, a changed one refused
  --ssh-config FILE       default ~/.ssh/config
`;

interface SshHostValues {
  identity?: string;
  "remote-dir"?: string;
  node?: string;
  "known-hosts"?: string;
  "ssh-config"?: string;
}

/** The provider for DESTINATION, asking on the terminal what SSH needs to ask; close() ends the questions. */
export function sshHostProvider(destinationText: string, values: SshHostValues): { provider: SshHostProvider; destination: SshDestination; close(): void } {
  const destination = resolveDestination(destinationText, { configFile: values["ssh-config"], identityFile: values.identity });
  const prompts = terminalPrompts();
  const provider = new SshHostProvider({ destination, prompts, knownHostsFile: values["known-hosts"], root: values["remote-dir"], node: values.node });
  return { provider, destination, close: () => prompts.close() };
}

/** The ssh command line that reaches the destination: its Host alias as typed, else -p PORT user@host. */
export function sshCommandLine(destination: SshDestination): string {
  const typed = destination.label.trim();
  if (!/[@:/]/.test(typed)) return `ssh ${typed}`;
  return `ssh ${destination.port === 22 ? "" : `-p ${destination.port} `}${destination.user}@${destination.host.includes(":") ? `[${destination.host}]` : destination.host}`;
}
