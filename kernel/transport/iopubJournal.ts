// A detached kernel's recent IOPub messages, numbered as they go out and kept within bounds (count and bytes), so
// that a client that lost some while its link was down gets them again (protocol/iopubJournal.ts).
import { randomUUID } from "node:crypto";
import { DEFAULT_JOURNAL_LIMITS, JOURNAL_STAMP_KEY, type JournalLimits, type JournalReplyContent, type JournalRequestContent, type JournaledMessage } from "../../protocol/iopubJournal";
import type { JsonObject, JupyterMessage } from "../../protocol/messages";

/** A reply's page size: a control reply is one ZeroMQ message, held whole in memory at both ends. */
const DEFAULT_PAGE_BYTES = 4 * 1024 * 1024;

interface Entry {
  seq: number;
  message: JupyterMessage<object>;
  bytes: number;
}

export class IopubJournal {
  readonly id = randomUUID();
  private readonly entries: Entry[] = [];
  /** Index of the oldest kept entry in `entries` (trimmed in bulk, so that dropping the oldest is not O(n)). */
  private start = 0;
  private bytes = 0;
  private nextSeq = 0;

  constructor(private readonly limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) {}

  /** The message as it is published: its stamp added to a copy of its metadata. */
  stamp(message: JupyterMessage<object>): JupyterMessage<object> {
    return { ...message, metadata: { ...message.metadata, [JOURNAL_STAMP_KEY]: { journal: this.id, seq: this.nextSeq++ } } };
  }

  /** Keeps a stamped message; `bytes` is its encoded size. */
  keep(message: JupyterMessage<object>, bytes: number): void {
    this.entries.push({ seq: this.nextSeq - 1, message, bytes });
    this.bytes += bytes;
    while (this.entries.length - this.start > this.limits.messages || (this.bytes > this.limits.bytes && this.entries.length - this.start > 1)) {
      this.bytes -= this.entries[this.start].bytes;
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries.splice(0, this.start);
      this.start = 0;
    }
  }

  answer(request: Partial<JournalRequestContent>): JournalReplyContent {
    const reply: JournalReplyContent = { status: "ok", journal: this.id, head_seq: this.nextSeq - 1, messages: [], dropped: 0, more: false, limits: this.limits, replies: [] };
    const after = request.after_seq;
    if (typeof after !== "number" || !Number.isInteger(after)) return reply;
    const maxBytes = typeof request.max_bytes === "number" && request.max_bytes > 0 ? request.max_bytes : DEFAULT_PAGE_BYTES;
    const oldest = this.start < this.entries.length ? this.entries[this.start].seq : this.nextSeq;
    reply.dropped = Math.max(0, oldest - after - 1);
    let size = 0;
    for (let index = this.start + Math.max(0, after + 1 - oldest); index < this.entries.length; index++) {
      if (size >= maxBytes) {
        reply.more = true;
        break;
      }
      const { message, bytes } = this.entries[index];
      size += bytes;
      reply.messages.push(journaled(message));
    }
    return reply;
  }
}

/** A message as a journal reply carries it: its buffers in base64. */
export function journaled(message: JupyterMessage<object>): JournaledMessage {
  const { header, parent_header, metadata, content, buffers } = message;
  return { header, parent_header, metadata, content: content as JsonObject, buffers: buffers.map((buffer) => Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString("base64")) };
}
