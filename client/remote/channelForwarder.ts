// The kernel's five channels, forwarded over the one SSH connection (portForwarder.ts): a listener a channel on this
// machine's 127.0.0.1, to the kernel's port on the host's 127.0.0.1. When the SSH link drops, the forwarded streams
// end, ZeroMQ on this side reconnects to the same local ports by itself, and once a new link is in place
// (useConnection) those connections go through it, so a Jupyter client keeps its connection file.
import { CHANNEL_PORTS, type ConnectionInfo } from "../../protocol/connectionFile";
import type { SshConnection } from "../ssh/sshConnection";
import { PortForwarder } from "./portForwarder";

export class ChannelForwarder {
  private readonly ports = new PortForwarder();

  /** `remote`: the kernel's connection as its host sees it. */
  constructor(private readonly remote: ConnectionInfo) {}

  /** Listens on local ports and gives the connection a local client uses: the same key, these ports. */
  async start(connection: SshConnection): Promise<ConnectionInfo> {
    this.ports.useConnection(connection);
    const local: ConnectionInfo = { ...this.remote, transport: "tcp", ip: "127.0.0.1" };
    for (const name of CHANNEL_PORTS) local[name] = await this.ports.forward("127.0.0.1", this.remote[name]);
    return local;
  }

  /** Says now, not as a kernel that never answers, when the SSH server does not forward ports. */
  check(): Promise<void> {
    return this.ports.check("127.0.0.1", this.remote.hb_port, "the kernel's ports");
  }

  /** A new SSH link (after a drop), or none while reconnecting: connections made meanwhile are closed at once. */
  useConnection(connection: SshConnection | undefined): void {
    this.ports.useConnection(connection);
  }

  close(): void {
    this.ports.close();
  }
}
