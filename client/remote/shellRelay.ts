// A remote kernel's shell and stdin, relayed on this machine's 127.0.0.1, so that a reply the link lost still reaches
// the client that asked. A ROUTER drops a reply to a peer that is not connected, and a link that stalls swallows
// it: a cell that finished while the link was down would leave its client (VS Code, jupyter_client, jupyter
// console) waiting for ever. Every client's messages go on through one DEALER each for shell and stdin, with the
// client's identity in front (the Jupyter wire format carries several), and the kernel's answers come back the same
// way. Once a request's status idle has been passed on without its reply, the relay asks the kernel's journal for
// the reply (protocol/iopubJournal.ts, replies_to) and sends it to the client; a reply that comes late after all
// is then dropped, so none arrives twice.
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../../protocol/connectionFile";
import { revive, type JournalReplyContent, type JournalRequestContent } from "../../protocol/iopubJournal";
import { makeMessage, replyType, type JupyterMessage, type MessageHeader } from "../../protocol/messages";
import { Signer, decodeMessage, encodeMessage } from "../../protocol/wire";

/** How long a reply may trail its request's status idle (they come on different sockets) before it counts as lost. */
const REPLY_GRACE_MS = 1000;
/** Answers of a journal that does not have the reply: this many, this far apart, then the client is told. */
const RECOVERY_TRIES = 5;
const RECOVERY_RETRY_MS = 2000;
/** Requests followed at most: the oldest is forgotten past it (a kernel that never answers must not grow this). */
const MAX_WAITING = 10_000;

export interface ShellRelayOptions {
  /** Asks the kernel's journal (through the IOPub relay's control socket); undefined once closed. */
  askJournal(content: JournalRequestContent): Promise<JournalReplyContent | undefined>;
  report?(text: string): void;
}

interface Waiting {
  /** The client's identity frames, as the local ROUTER gave them. */
  identities: Buffer[];
  request: MessageHeader;
  idle: boolean;
}

export class ShellRelay {
  private readonly signer: Signer;
  private readonly local = { shell: new zmq.Router({ linger: 0 }), stdin: new zmq.Router({ linger: 0 }) };
  private readonly upstream: { shell: zmq.Dealer; stdin: zmq.Dealer };
  /** Shell requests passed on whose reply has not come back, by msg_id. */
  private readonly waiting = new Map<string, Waiting>();
  private recovering = false;
  private closed = false;
  ports = { shell: 0, stdin: 0 };

  private constructor(
    private readonly tunnel: ConnectionInfo,
    private readonly options: ShellRelayOptions,
  ) {
    this.signer = new Signer(tunnel.key, tunnel.signature_scheme);
    // One identity for both: the kernel sends input_request to the identity that sent the execute_request.
    const routingId = `tfjs-studio-shell-relay-${randomUUID()}`;
    this.upstream = { shell: new zmq.Dealer({ linger: 0, routingId }), stdin: new zmq.Dealer({ linger: 0, routingId }) };
  }

  /** `tunnel`: the kernel's channels as forwarded to this machine. Local clients use `ports` for shell and stdin. */
  static async start(tunnel: ConnectionInfo, options: ShellRelayOptions): Promise<ShellRelay> {
    const relay = new ShellRelay(tunnel, options);
    for (const channel of ["shell", "stdin"] as const) {
      await relay.local[channel].bind("tcp://127.0.0.1:*");
      relay.ports[channel] = Number(/:(\d+)$/.exec(relay.local[channel].lastEndpoint ?? "")?.[1]);
      relay.upstream[channel].connect(endpoint(tunnel, tunnel[`${channel}_port`]));
      void relay.pass(channel, "up");
      void relay.pass(channel, "down");
    }
    return relay;
  }

  /** Told of each IOPub message passed on to local clients: a request's status idle without its reply starts a recovery. */
  iopubPassed(message: JupyterMessage): void {
    if (message.header.msg_type !== "status" || message.content.execution_state !== "idle") return;
    const waiting = this.waiting.get((message.parent_header as { msg_id?: string }).msg_id ?? "");
    if (!waiting) return;
    waiting.idle = true;
    setTimeout(() => void this.recoverReplies(), REPLY_GRACE_MS).unref();
  }

  close(): void {
    this.closed = true;
    for (const socket of [this.local.shell, this.local.stdin, this.upstream.shell, this.upstream.stdin]) socket.close();
  }

  /** Carries one channel's messages one way: up (a client's, identity in front) or down (the kernel's, to that client). */
  private async pass(channel: "shell" | "stdin", direction: "up" | "down"): Promise<void> {
    const [from, to] = direction === "up" ? [this.local[channel], this.upstream[channel]] : [this.upstream[channel], this.local[channel]];
    try {
      for await (const frames of from) {
        if (channel === "shell" && !this.note(frames, direction)) continue;
        await to.send(frames);
      }
    } catch (error) {
      if (!this.closed) this.options.report?.(`relaying ${channel} failed: ${(error as Error).message}`);
    }
  }

  /** Keeps track of shell requests and their replies; false for a reply that was recovered already. */
  private note(frames: Buffer[], direction: "up" | "down"): boolean {
    let decoded: { identities: Buffer[]; message: JupyterMessage };
    try {
      decoded = decodeMessage(frames, this.signer);
    } catch {
      // Not ours to judge: the kernel answers a bad message as it sees fit.
      return true;
    }
    const { identities, message } = decoded;
    if (direction === "up") {
      this.waiting.set(message.header.msg_id, { identities, request: message.header, idle: false });
      if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
      return true;
    }
    return this.waiting.delete((message.parent_header as { msg_id?: string }).msg_id ?? "");
  }

  /** Asks the journal for the replies still missing after their request went idle, and passes them on. */
  private async recoverReplies(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      const missing = () => [...this.waiting].filter(([, waiting]) => waiting.idle).map(([id]) => id);
      for (let answers = 0; missing().length > 0 && !this.closed; ) {
        const answer = await this.options.askJournal({ after_seq: null, replies_to: missing() });
        if (!answer) return;
        answers++;
        for (const journaled of answer.replies) {
          const reply = revive(journaled);
          const waiting = this.waiting.get((reply.parent_header as { msg_id?: string }).msg_id ?? "");
          if (!waiting) continue;
          this.waiting.delete((reply.parent_header as { msg_id: string }).msg_id);
          await this.local.shell.send(encodeMessage(reply, waiting.identities, this.signer));
        }
        if (missing().length > 0 && answers >= RECOVERY_TRIES) return await this.giveUp(missing());
        if (missing().length > 0) await new Promise((resolve) => setTimeout(resolve, RECOVERY_RETRY_MS));
      }
    } finally {
      this.recovering = false;
    }
  }

  /** The kernel no longer keeps these replies: each client gets an error reply that says so, not a wait for ever. */
  private async giveUp(ids: string[]): Promise<void> {
    for (const id of ids) {
      const { identities, request } = this.waiting.get(id)!;
      this.waiting.delete(id);
      const evalue = `the kernel's reply to ${request.msg_type} was lost while the link was down, and the kernel no longer keeps it; the output above is complete`;
      this.options.report?.(evalue);
      const parent = { header: request } as JupyterMessage;
      const reply = makeMessage(replyType(request.msg_type), { status: "error", ename: "ReplyLost", evalue, traceback: [] }, parent, request.session);
      await this.local.shell.send(encodeMessage(reply, identities, this.signer));
    }
  }
}
