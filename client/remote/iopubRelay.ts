// A remote kernel's IOPub, republished on this machine's 127.0.0.1 with nothing lost to a dropped link. ZeroMQ's
// publisher drops what it sends while no subscriber is connected, so every frontend (VS Code, jupyter_client,
// jupyter console) would lose a running cell's output while the link is down. The relay subscribes to the kernel
// through the tunnel, passes each message on in the kernel's order, and when the order shows a gap (a message whose
// number is not the next one) or a link comes back (ZeroMQ's handshake), asks the kernel's journal for what it
// missed (protocol/iopubJournal.ts), holding newer messages meanwhile. Messages it already has are dropped, so none
// is doubled; messages the journal no longer keeps are counted in a note on the cell's stderr.
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../../protocol/connectionFile";
import { IopubQueue } from "../../protocol/iopubQueue";
import { JOURNAL_REPLY, JOURNAL_REQUEST, journalStamp, revive, type JournalReplyContent, type JournalRequestContent } from "../../protocol/iopubJournal";
import { makeMessage, type JupyterMessage, type MessageHeader } from "../../protocol/messages";
import { Signer, WireError, decodeMessage, encodeMessage } from "../../protocol/wire";

/** How long a journal request may go unanswered before it is sent again (the link may have dropped meanwhile). */
const REQUEST_TIMEOUT_MS = 10_000;
/** A send on a control socket with no connected peer (the link is down) waits this long, then is tried again. */
const SEND_TIMEOUT_MS = 5000;
const RETRY_MS = 1000;
/** After a handshake, once more: the subscription reaches the kernel a moment after the handshake. */
const AFTER_HANDSHAKE_MS = 500;
const LINGER_MS = 1000;

export interface IopubRelayOptions {
  /** Where the link goes, for the note on dropped messages. */
  label: string;
  report?(text: string): void;
  /** Each message as it is passed on to local clients. */
  passed?(message: JupyterMessage): void;
}

export class IopubRelay {
  private readonly signer: Signer;
  private readonly upstream = new zmq.Subscriber({ linger: 0 });
  private readonly control: zmq.Dealer;
  private readonly downstream = new zmq.Publisher({ noDrop: true, linger: LINGER_MS });
  private readonly queue: IopubQueue<Buffer[]>;
  private readonly session = randomUUID();
  private readonly pending = new Map<string, (reply: JournalReplyContent) => void>();
  /** The kernel process's journal, and the last of its messages passed on; unknown until the first answer. */
  private journal: string | undefined;
  private lastSeq: number | undefined;
  /** Messages that came while the relay caught up, or after a gap: passed on once what lies before them is. */
  private held: JupyterMessage[] = [];
  private recovering: Promise<void> | undefined;
  private recoverAgain = false;
  /** The parent of the last message passed on: a note on dropped messages goes to that cell when the journal has none. */
  private lastParent: MessageHeader | Record<string, never> = {};
  private closed = false;
  /** Where local clients subscribe. */
  port = 0;

  private constructor(
    private readonly tunnel: ConnectionInfo,
    private readonly options: IopubRelayOptions,
  ) {
    this.signer = new Signer(tunnel.key, tunnel.signature_scheme);
    this.control = new zmq.Dealer({ linger: 0, sendTimeout: SEND_TIMEOUT_MS, routingId: `tfjs-studio-relay-${this.session}` });
    this.queue = new IopubQueue({
      encode: (message) => encodeMessage(message, [], this.signer),
      send: (frames) => this.downstream.send(frames),
      setLossy: (lossy) => (this.downstream.noDrop = !lossy),
      report: (error) => this.report(`passing on a message failed: ${error.message}`),
      stalled: (ms) => this.report(`a local IOPub subscriber has taken nothing for ${Math.round(ms / 1000)} s; it misses what is queued now`),
    });
  }

  /** `tunnel`: the kernel's channels as forwarded to this machine. Local clients subscribe to `port` instead of its iopub_port. */
  static async start(tunnel: ConnectionInfo, options: IopubRelayOptions): Promise<IopubRelay> {
    const relay = new IopubRelay(tunnel, options);
    await relay.downstream.bind("tcp://127.0.0.1:*");
    relay.port = Number(/:(\d+)$/.exec(relay.downstream.lastEndpoint ?? "")?.[1]);
    relay.run();
    return relay;
  }

  /** Asks the journal for whatever came after the last message passed on; several calls share one catch-up. */
  recover(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.recovering) {
      this.recoverAgain = true;
      return this.recovering;
    }
    this.recovering = this.catchUp().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstream.close();
    this.control.close();
    void this.queue.drain().finally(() => this.downstream.close());
  }

  private run(): void {
    this.upstream.subscribe();
    this.upstream.connect(endpoint(this.tunnel, this.tunnel.iopub_port));
    this.control.connect(endpoint(this.tunnel, this.tunnel.control_port));
    this.upstream.events.on("handshake", () => {
      void this.recover();
      setTimeout(() => void this.recover(), AFTER_HANDSHAKE_MS).unref();
    });
    void this.readUpstream();
    void this.readControl();
    void this.recover();
  }

  private async readUpstream(): Promise<void> {
    try {
      for await (const frames of this.upstream) {
        const message = this.decode(frames, "iopub");
        if (message) this.receive(message);
      }
    } catch (error) {
      if (!this.closed) this.report(`reading the kernel's IOPub failed: ${(error as Error).message}`);
    }
  }

  private async readControl(): Promise<void> {
    try {
      for await (const frames of this.control) {
        const message = this.decode(frames, "control");
        if (message?.header.msg_type !== JOURNAL_REPLY) continue;
        // A reply to a request given up on (timed out) is dropped: that request was sent again.
        this.pending.get((message.parent_header as MessageHeader).msg_id ?? "")?.(message.content as unknown as JournalReplyContent);
      }
    } catch (error) {
      if (!this.closed) this.report(`reading the kernel's control channel failed: ${(error as Error).message}`);
    }
  }

  private decode(frames: Buffer[], channel: string): JupyterMessage | undefined {
    try {
      return decodeMessage(frames, this.signer).message;
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.report(`dropped a message on ${channel}: ${error.message}`);
      return undefined;
    }
  }

  private receive(message: JupyterMessage): void {
    // A kernel without a journal (not started detached): nothing to number, nothing to fill.
    if (!journalStamp(message.metadata)) return this.publish(message);
    this.held.push(message);
    if (!this.recovering) this.passHeld();
  }

  /** Passes on the held messages that follow the last one passed on; at a gap, keeps the rest and catches up. */
  private passHeld(): void {
    const held = this.held.sort((a, b) => journalStamp(a.metadata)!.seq - journalStamp(b.metadata)!.seq);
    this.held = [];
    for (let index = 0; index < held.length; index++) {
      const stamp = journalStamp(held[index].metadata)!;
      if (stamp.journal !== this.journal) {
        // A new kernel process (restarted): its numbers start again.
        this.journal = stamp.journal;
        this.lastSeq = -1;
      }
      if (stamp.seq <= this.lastSeq!) continue;
      if (stamp.seq !== this.lastSeq! + 1) {
        this.held = held.slice(index);
        void this.recover();
        return;
      }
      this.lastSeq = stamp.seq;
      this.publish(held[index]);
    }
  }

  private async catchUp(): Promise<void> {
    do {
      this.recoverAgain = false;
      await this.fetchMissed();
      if (this.closed) return;
      this.passHeld();
    } while (this.recoverAgain && !this.closed);
  }

  private async fetchMissed(): Promise<void> {
    for (;;) {
      const after = this.lastSeq ?? null;
      const reply = await this.askJournal({ after_seq: after });
      if (!reply) return;
      if (this.journal !== undefined && reply.journal !== this.journal) {
        // The kernel restarted since: everything its new process published is new to us.
        this.journal = reply.journal;
        this.lastSeq = -1;
        continue;
      }
      this.journal = reply.journal;
      if (after === null) {
        // Just connected: what the kernel published before is not ours to pass on.
        this.lastSeq = reply.head_seq;
        return;
      }
      if (reply.dropped > 0) this.noteDropped(reply);
      this.lastSeq = Math.max(this.lastSeq!, after + reply.dropped);
      for (const journaled of reply.messages) {
        const message = revive(journaled);
        const seq = journalStamp(message.metadata)?.seq ?? -1;
        if (seq <= this.lastSeq) continue;
        this.lastSeq = seq;
        this.publish(message);
      }
      if (!reply.more) return;
    }
  }

  /** Sends a journal request until it is answered; undefined once the relay is closed. */
  async askJournal(content: JournalRequestContent): Promise<JournalReplyContent | undefined> {
    while (!this.closed) {
      const request = makeMessage(JOURNAL_REQUEST, content, undefined, this.session);
      let timer: NodeJS.Timeout | undefined;
      try {
        const answered = new Promise<JournalReplyContent>((resolve, reject) => {
          this.pending.set(request.header.msg_id, resolve);
          timer = setTimeout(() => reject(new Error("no answer")), REQUEST_TIMEOUT_MS);
        });
        await this.control.send(encodeMessage(request, [], this.signer));
        return await answered;
      } catch {
        // The link is down (the send timed out) or the answer was lost with it: ask again.
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      } finally {
        clearTimeout(timer);
        this.pending.delete(request.header.msg_id);
      }
    }
    return undefined;
  }

  private noteDropped(reply: JournalReplyContent): void {
    const { messages, bytes } = reply.limits;
    const text = `[tfjs-studio] ${reply.dropped.toLocaleString("en-US")} output message${reply.dropped === 1 ? " was" : "s were"} lost while the link to ${this.options.label} was down: the kernel keeps its last ${messages.toLocaleString("en-US")} (at most ${Math.round(bytes / 1024 / 1024)} MB) for a client that reconnects.\n`;
    const note = makeMessage("stream", { name: "stderr", text }, undefined, this.session);
    note.parent_header = reply.messages[0]?.parent_header ?? this.lastParent;
    this.publish(note);
  }

  private publish(message: JupyterMessage): void {
    this.lastParent = message.parent_header;
    void this.queue.send(message);
    this.options.passed?.(message);
  }

  private report(text: string): void {
    this.options.report?.(text);
  }
}
