// The settings of remote kernels (tfjsStudio.remote.*), with empty strings meaning "the default".
import * as vscode from "vscode";
import { DEFAULT_IDLE_SHUTDOWN_S } from "../../client/remote/remoteKernelSession";

export interface RemoteSettings {
  sshConfigFile: string | undefined;
  knownHostsFile: string | undefined;
  /** The host's folder for runtimes and kernels. */
  hostFolder: string | undefined;
  /** Where cells run on the host. */
  cwd: string | undefined;
  idleShutdownS: number;
  /** TFJS_STUDIO_BACKEND for the host's kernel, from tfjsStudio.backend. */
  backend: string | undefined;
}

export function remoteSettings(scope?: vscode.Uri): RemoteSettings {
  const config = vscode.workspace.getConfiguration("tfjsStudio", scope);
  const text = (value: string | undefined) => value?.trim() || undefined;
  const hours = config.get<number>("remote.idleShutdownHours");
  const backend = config.get<string>("backend", "auto");
  return {
    sshConfigFile: text(config.get<string>("remote.sshConfigFile")),
    knownHostsFile: text(config.get<string>("remote.knownHostsFile")),
    hostFolder: text(config.get<string>("remote.hostFolder")),
    cwd: text(config.get<string>("remote.folder")),
    idleShutdownS: hours !== undefined && hours > 0 ? hours * 3600 : DEFAULT_IDLE_SHUTDOWN_S,
    backend: backend === "auto" ? undefined : backend,
  };
}

/** The `tfjs-studio` options that reach a host as the settings say (ssh config, known_hosts, the host's folder). */
export function sshCliOptions(settings: RemoteSettings): string[] {
  const args: string[] = [];
  if (settings.sshConfigFile) args.push("--ssh-config", settings.sshConfigFile);
  if (settings.knownHostsFile) args.push("--known-hosts", settings.knownHostsFile);
  if (settings.hostFolder) args.push("--remote-dir", settings.hostFolder);
  return args;
}
