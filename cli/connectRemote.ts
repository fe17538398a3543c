// `tfjs-studio connect ssh://user@host[:port]`: a kernel on another machine for any Jupyter client. It prepares the
// host over SSH (Node checked, runtime uploaded once), starts a kernel detached (or attaches to one), forwards its
// channels to local ports, writes a local connection file, and keeps the link up until Ctrl-C, reconnecting by
// itself when it drops. On a host with an NVIDIA GPU, it first offers to install tfjs-node-gpu there. The kernel
// outlives it; --list shows the kernels on the host, --shutdown ends one.
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_IDLE_SHUTDOWN_S, RemoteKernelSession } from "../client/remote/remoteKernelSession";
import { RemoteHost, type RemoteKernel } from "../client/remote/remoteHost";
import { gpuNames, type GpuOfferHandler } from "../client/remote/remoteGpu";
import { GPU_PACKAGE } from "../protocol/hostGpuReport";
import { formatSeconds, kernelUptime } from "../client/remote/kernelUptime";
import { connectSsh } from "../client/ssh/sshConnection";
import { resolveDestination } from "../client/ssh/sshDestination";
import { jupyterDataDir } from "../common/jupyterPaths";
import { saveConnectionFile } from "../protocol/connectionFile";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";
import { SSH_HOST_OPTIONS, SSH_HOST_USAGE } from "./sshHostOptions";
import { terminalPrompts } from "./terminalPrompts";

const USAGE = `usage: tfjs-studio connect DESTINATION [--identity FILE] [--connection-file OUT.json] [--attach ID | --list | --shutdown ID]
                            [--install-gpu | --no-gpu-offer]

Runs a kernel on another machine over SSH, for any Jupyter client on this one:
  jupyter console --existing OUT.json
DESTINATION is ssh://user@host[:port], user@host[:port], or a Host of ~/.ssh/config (HostName, User, Port,
IdentityFile and ProxyJump are followed). The host needs Node 20+ and nothing else: the kernel runtime is uploaded
to it once per version. When nvidia-smi there sees a GPU and ${GPU_PACKAGE} is not installed, the CUDA
and cuDNN situation is shown and its install offered (into the host's ~/.tfjs-studio/native/). The kernel runs
detached there, so it outlives this command and the link; Ctrl-C closes the tunnels and leaves it running. A dropped link is reconnected by itself, and the same kernel carries on; a
running cell's output arrives whole, what the link lost filled in from the kernel's journal of recent output.
  --connection-file OUT   where to write the local connection file (default: Jupyter's runtime folder)
  --attach ID             attach to a kernel already running on the host
  --list                  list the kernels running on the host, with uptime and busy or idle
  --shutdown ID           shut a kernel down
  --idle-shutdown-s N     a new kernel shuts down N seconds after its last client left (default ${DEFAULT_IDLE_SHUTDOWN_S}: 24 h)
  --cwd DIR               the folder on the host cells run in (default: the home folder)
  --backend NAME          the host's tfjs backend: tensorflow, cpu or wasm (default: the best it has)
  --install-gpu           when the host has an NVIDIA GPU and no ${GPU_PACKAGE}, install it there without asking
  --no-gpu-offer          do not check the host's GPU or offer ${GPU_PACKAGE}
${SSH_HOST_USAGE}`;

const OPTIONS = {
  "connection-file": { type: "string", short: "f" },
  attach: { type: "string" },
  list: { type: "boolean" },
  shutdown: { type: "string" },
  "idle-shutdown-s": { type: "string" },
  cwd: { type: "string" },
  backend: { type: "string" },
  "install-gpu": { type: "boolean" },
  "no-gpu-offer": { type: "boolean" },
  ...SSH_HOST_OPTIONS,
} as const;

export async function connectRemote(args: string[]): Promise<number | undefined> {
  const commandLine = parseCommandLine("connect", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("connect", positionals.length === 0 ? "DESTINATION is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => USAGE);
  if ([values.attach, values.list, values.shutdown].filter((value) => value !== undefined).length > 1) return usageError("connect", "give one of --attach, --list and --shutdown", () => USAGE);
  const idle = values["idle-shutdown-s"] === undefined ? DEFAULT_IDLE_SHUTDOWN_S : Number(values["idle-shutdown-s"]);
  if (values["install-gpu"] && values["no-gpu-offer"]) return usageError("connect", "give one of --install-gpu and --no-gpu-offer", () => USAGE);
  const gpuFlag = values["install-gpu"] ? "--install-gpu" : values["no-gpu-offer"] ? "--no-gpu-offer" : undefined;
  const notStarting = values.attach !== undefined ? "--attach" : values.list ? "--list" : values.shutdown !== undefined ? "--shutdown" : undefined;
  if (gpuFlag && notStarting) return usageError("connect", `${gpuFlag} is about a new kernel's host: it does not go with ${notStarting}`, () => USAGE);
  if (!(idle > 0)) return usageError("connect", `--idle-shutdown-s ${values["idle-shutdown-s"]} must be a number of seconds above 0`, () => USAGE);
  const destination = resolveDestination(positionals[0], { configFile: values["ssh-config"], identityFile: values.identity });
  const prompts = terminalPrompts();
  const say = (text: string) => process.stderr.write(`tfjs-studio connect: ${text}\n`);
  const common = { prompts, knownHostsFile: values["known-hosts"], root: values["remote-dir"], node: values.node };

  if (values.list || values.shutdown !== undefined) {
    try {
      const connection = await connectSsh(destination, common);
      try {
        const host = await RemoteHost.open(connection, common);
        try {
          if (values.list) return printKernels(await host.listKernels());
          await host.shutdownKernel(values.shutdown!);
          say(`kernel ${values.shutdown!} shut down`);
          return ExitCode.Ok;
        } finally {
          host.close();
        }
      } finally {
        connection.close();
      }
    } finally {
      prompts.close();
    }
  }

  let session: RemoteKernelSession;
  try {
    session = await RemoteKernelSession.open({
      ...common,
      destination,
      attach: values.attach,
      idleShutdownS: idle,
      cwd: values.cwd,
      env: values.backend ? { TFJS_STUDIO_BACKEND: values.backend } : undefined,
      gpuOffer: values["no-gpu-offer"] ? undefined : terminalGpuOffer(prompts, values["install-gpu"] ?? false, say),
      progress: say,
      linkState: (_state, detail) => say(detail),
    });
  } finally {
    prompts.close();
  }
  const { kernel } = session;
  const file = path.resolve(values["connection-file"] ?? path.join(process.env.JUPYTER_RUNTIME_DIR ?? path.join(jupyterDataDir(), "runtime"), `kernel-tfjs-studio-${kernel.id}.json`));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  saveConnectionFile(file, session.localInfo);
  say(`kernel ${kernel.id} on ${destination.label} (pid ${kernel.pid}); cells run in ${kernel.cwd}`);
  say(`connection file: ${file}\n  jupyter console --existing ${file}`);
  say(`Ctrl-C closes the tunnels and leaves the kernel running (reattach with --attach ${kernel.id}; with no client it shuts down after ${formatSeconds(idle)})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  session.close();
  fs.rmSync(file, { force: true });
  return ExitCode.Ok;
}

/** The GPU offer on the terminal: the GPUs and the CUDA situation, then the question (--install-gpu: the answer). */
function terminalGpuOffer(prompts: { confirm(question: string): Promise<boolean> }, install: boolean, say: (text: string) => void): GpuOfferHandler {
  return {
    offer: (offer) => {
      const drivers = [...new Set(offer.gpus.map((gpu) => gpu.driverVersion).filter(Boolean))];
      say(`${gpuNames(offer.gpus)}${drivers.length ? ` (driver ${drivers.join(", ")})` : ""} found on ${offer.host}, and ${GPU_PACKAGE} is not installed there`);
      say(offer.report.description);
      if (install) return Promise.resolve(true);
      return prompts.confirm(`Install ${offer.packageSpec} on ${offer.host}, into ${offer.folder}`).then((yes) => {
        if (!yes) say(`not installed; --install-gpu installs it on a later connect, --no-gpu-offer stops the question`);
        return yes;
      });
    },
    failed: (error) => say(`${error.message}\nThe kernel starts without it, on the best backend the host has.`),
  };
}

function printKernels(kernels: RemoteKernel[]): number {
  if (kernels.length === 0) {
    process.stdout.write("no kernels running\n");
    return ExitCode.Ok;
  }
  const rows = kernels.map((kernel) => [kernel.id, String(kernel.pid), kernel.executionState, kernelUptime(kernel), kernel.cwd]);
  const table = [["ID", "PID", "STATE", "UPTIME", "FOLDER"], ...rows];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  process.stdout.write(`${table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()).join("\n")}\n`);
  return ExitCode.Ok;
}
