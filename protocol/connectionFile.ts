// The standard Jupyter connection file.
import { readFileSync, renameSync, writeFileSync } from "node:fs";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export const CHANNEL_PORTS = ["shell_port", "control_port", "iopub_port", "stdin_port", "hb_port"] as const;

export function readConnectionFile(path: string): ConnectionInfo {
  let parsed: Partial<ConnectionInfo>;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<ConnectionInfo>;
  } catch (error) {
    throw new Error(`cannot read connection file ${path}: ${(error as Error).message}`, { cause: error });
  }
  for (const port of CHANNEL_PORTS) {
    if (typeof parsed[port] !== "number") throw new Error(`connection file ${path} lacks a numeric ${port}`);
  }
  return {
    transport: parsed.transport ?? "tcp",
    ip: parsed.ip ?? "127.0.0.1",
    key: parsed.key ?? "",
    signature_scheme: parsed.signature_scheme ?? "hmac-sha256",
    ...parsed,
  } as ConnectionInfo;
}

/** The ZeroMQ endpoint for one port: tcp://ip:port, or ipc://ip-port as jupyter_client names it. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

/** Writes a connection file readable by its owner only (it holds the key), whole or not at all. */
export function saveConnectionFile(path: string, info: ConnectionInfo): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, JSON.stringify(info, null, 1), { mode: 0o600 });
  renameSync(partial, path);
}
