// The kernel's five channels, forwarded over the one SSH connection: a listener a channel on this machine's
// 127.0.0.1, each TCP connection to it carried to the kernel's port on the host's 127.0.0.1 by ssh2's forwardOut.
// Nothing listens on the network at either end. The listeners outlive the SSH link: when it drops, the forwarded
// streams end, ZeroMQ on this side reconnects to the same local ports by itself, and once a new link is in place
// (useConnection) those connections go through it, so a Jupyter client keeps its connection file.
import * as net from "node:net";
import { CHANNEL_PORTS, type ConnectionInfo } from "../../protocol/connectionFile";
import type { SshConnection } from "../ssh/sshConnection";
import { RemoteHostError } from "./remoteHostError";

export class ChannelForwarder {
  private connection: SshConnection | undefined;
  private readonly servers: net.Server[] = [];
  private readonly open = new Set<net.Socket>();

  /** `remote`: the kernel's connection as its host sees it. */
  constructor(private readonly remote: ConnectionInfo) {}

  /** Listens on local ports and gives the connection a local client uses: the same key, these ports. */
  async start(connection: SshConnection): Promise<ConnectionInfo> {
    this.connection = connection;
    const local: ConnectionInfo = { ...this.remote, transport: "tcp", ip: "127.0.0.1" };
    for (const name of CHANNEL_PORTS) {
      const server = net.createServer((socket) => this.carry(socket, this.remote[name]));
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      local[name] = (server.address() as net.AddressInfo).port;
    }
    return local;
  }

  /**
   * Opens one channel to the kernel (its heartbeat port) and closes it again: an SSH server that does not forward
   * ports says so now, rather than as a kernel that never answers.
   */
  async check(): Promise<void> {
    const connection = this.connection!;
    try {
      (await connection.forwardOut("127.0.0.1", this.remote.hb_port)).close();
    } catch (error) {
      throw new RemoteHostError(
        `the SSH server on ${connection.destination.label} does not forward connections to the kernel's ports (${(error as Error).message.replace(/^\(SSH\) /, "")}); the kernel's channels need it: AllowTcpForwarding yes (or local) in the host's sshd_config`,
      );
    }
  }

  /** A new SSH link (after a drop), or none while reconnecting: connections made meanwhile are closed at once. */
  useConnection(connection: SshConnection | undefined): void {
    this.connection = connection;
    // Streams of the old link are dead or soon will be; closing them makes ZeroMQ reconnect now, through the new one.
    for (const socket of this.open) socket.destroy();
  }

  close(): void {
    for (const socket of this.open) socket.destroy();
    for (const server of this.servers) server.close();
  }

  private carry(socket: net.Socket, remotePort: number): void {
    const connection = this.connection;
    if (!connection) return void socket.destroy();
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    connection.forwardOut("127.0.0.1", remotePort).then(
      (channel) => {
        if (socket.destroyed) return void channel.close();
        socket.pipe(channel).pipe(socket);
        channel.on("error", () => socket.destroy());
        channel.once("close", () => socket.destroy());
        socket.once("close", () => channel.close());
        socket.resume();
      },
      () => socket.destroy(),
    );
  }
}
