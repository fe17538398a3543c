// The one command that learns what a host offers, and its reading: the home folder, Node (path and version), npm,
// and the NVIDIA GPUs nvidia-smi sees. One command, because each SSH command runs the user's shell start-up files
// (conda, nvm, pyenv), which on many GPU servers take a good part of a second; a host without nvidia-smi costs
// nothing more than a `command -v`.
import { quote } from "shell-quote";

export interface RemoteGpu {
  name: string;
  driverVersion: string;
}

export interface HostProbe {
  home: string;
  /** Empty when there is none. */
  node: string;
  /** e.g. "v20.11.1"; empty when node does not run. */
  nodeVersion: string;
  /** Empty when there is none. */
  npm: string;
  /** Empty without nvidia-smi, or when it sees no GPU (no driver loaded, say). */
  gpus: RemoteGpu[];
}

/**
 * Prints home, node's path, node's version and npm's path, a line each (empty when not found), then a line per GPU
 * as nvidia-smi's CSV gives it. node is looked for on the PATH, then in a login shell, whose profile may put nvm's
 * or Homebrew's node on the PATH; npm on the PATH, else beside that node.
 */
export function probeCommand(node: string | undefined): string {
  const findNode = node ? `node=${quote([node])}` : `node=$(command -v node || "\${SHELL:-sh}" -lc 'command -v node' 2>/dev/null | tail -n 1)`;
  return [
    `printf '%s\\n' "$HOME"`,
    findNode,
    `printf '%s\\n' "$node"`,
    `printf '%s\\n' "$([ -n "$node" ] && "$node" --version 2>/dev/null)"`,
    `npm=$(command -v npm || { [ -n "$node" ] && [ -x "\${node%/*}/npm" ] && printf '%s' "\${node%/*}/npm"; })`,
    `printf '%s\\n' "$npm"`,
    // nvidia-smi prints its failures (no driver loaded) on stdout with a non-zero status: only a success is GPUs.
    `command -v nvidia-smi >/dev/null 2>&1 && gpus=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) && printf '%s\\n' "$gpus"`,
    "true",
  ].join("; ");
}

export function parseProbe(output: string): HostProbe {
  const [home = "", node = "", nodeVersion = "", npm = "", ...gpuLines] = output.split("\n").map((line) => line.trim());
  const gpus = gpuLines.filter(Boolean).map((line) => {
    // The name may hold a comma; the driver version never does.
    const comma = line.lastIndexOf(",");
    return comma < 0 ? { name: line, driverVersion: "" } : { name: line.slice(0, comma).trim(), driverVersion: line.slice(comma + 1).trim() };
  });
  return { home, node, nodeVersion, npm, gpus };
}
