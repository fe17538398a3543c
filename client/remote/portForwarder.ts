// Ports of a host's network, reached from this machine: a listener on this machine's 127.0.0.1 a port, each TCP
// connection to it carried to the host's address and port by ssh2's forwardOut over the one SSH connection. Nothing
// listens on the network. The listeners outlive the SSH link: connections made while there is none are closed at
// once, and after useConnection they go through the new one.
import * as net from "node:net";
import type { SshConnection } from "../ssh/sshConnection";
import { RemoteHostError } from "./remoteHostError";

export class PortForwarder {
  private connection: SshConnection | undefined;
  private readonly servers: net.Server[] = [];
  private readonly open = new Set<net.Socket>();

  constructor(connection?: SshConnection) {
    this.connection = connection;
  }

  /** Listens on a free port of this machine's 127.0.0.1 (or `localPort`) for `remoteHost:remotePort` as the host sees it. */
  async forward(remoteHost: string, remotePort: number, localPort = 0): Promise<number> {
    const server = net.createServer((socket) => this.carry(socket, remoteHost, remotePort));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(localPort, "127.0.0.1", () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  /**
   * Opens one channel to `remoteHost:remotePort` and closes it again: an SSH server that does not forward ports is
   * said to be one, with what needs it, before anything relies on the forwarding.
   */
  async check(remoteHost: string, remotePort: number, what: string): Promise<void> {
    const connection = this.connection!;
    try {
      (await connection.forwardOut(remoteHost, remotePort)).close();
    } catch (error) {
      throw new RemoteHostError(
        `the SSH server on ${connection.destination.label} does not forward connections to ${what} (${(error as Error).message.replace(/^\(SSH\) /, "")}); AllowTcpForwarding yes (or local) in the host's sshd_config allows it`,
      );
    }
  }

  /** A new SSH link (after a drop), or none while reconnecting: connections made meanwhile are closed at once. */
  useConnection(connection: SshConnection | undefined): void {
    this.connection = connection;
    // Streams of the old link are dead or soon will be; closing them makes clients reconnect now, through the new one.
    for (const socket of this.open) socket.destroy();
  }

  close(): void {
    for (const socket of this.open) socket.destroy();
    for (const server of this.servers) server.close();
  }

  private carry(socket: net.Socket, remoteHost: string, remotePort: number): void {
    const connection = this.connection;
    if (!connection) return void socket.destroy();
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    connection.forwardOut(remoteHost, remotePort).then(
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
