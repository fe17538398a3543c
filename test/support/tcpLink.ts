// A TCP link to a port on 127.0.0.1 that a test can break the two ways a network does: cut (every connection through
// it closed, new ones refused, as when the far end's process dies) or stalled (nothing passes any more, yet nothing
// is closed either, as when a laptop's lid closes or Wi-Fi goes), and restore.
import * as net from "node:net";

export class TcpLink {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private state: "up" | "cut" | "stalled" = "up";
  port = 0;

  constructor(target: number) {
    this.server = net.createServer((socket) => {
      if (this.state === "cut") return void socket.destroy();
      const upstream = net.connect(target, "127.0.0.1");
      const pair: [net.Socket, net.Socket] = [socket, upstream];
      this.pairs.add(pair);
      for (const end of pair) {
        end.on("error", () => end.destroy());
        end.once("close", () => {
          this.pairs.delete(pair);
          socket.destroy();
          upstream.destroy();
        });
      }
      if (this.state === "up") socket.pipe(upstream).pipe(socket);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.state = "cut";
    for (const pair of this.pairs) for (const end of pair) end.destroy();
  }

  /** Nothing passes either way from now on, and no connection is closed: only the ends' own timers can tell. */
  stall(): void {
    this.state = "stalled";
    for (const [socket, upstream] of this.pairs) {
      socket.unpipe(upstream);
      upstream.unpipe(socket);
      socket.pause();
      upstream.pause();
    }
  }

  restore(): void {
    this.state = "up";
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
