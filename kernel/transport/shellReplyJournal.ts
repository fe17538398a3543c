// A detached kernel's recent shell replies, by the msg_id of the request each answers. A reply sent while the
// client's link is down is lost (a ROUTER socket drops what it cannot route, and a link that stalls swallows it);
// the client then asks for it with the journal request's replies_to (protocol/iopubJournal.ts).
import type { JournaledMessage } from "../../protocol/iopubJournal";
import type { JupyterMessage } from "../../protocol/messages";
import { journaled } from "./iopubJournal";

export interface ShellReplyLimits {
  replies: number;
  bytes: number;
}

/** Far more requests than a client has in flight across one dropped link. */
const DEFAULT_LIMITS: ShellReplyLimits = { replies: 1000, bytes: 16 * 1024 * 1024 };

export class ShellReplyJournal {
  /** In the order sent, so the oldest goes first. */
  private readonly replies = new Map<string, { message: JupyterMessage<object>; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: ShellReplyLimits = DEFAULT_LIMITS) {}

  /** Keeps a reply sent on shell; `bytes` is its encoded size. */
  keep(message: JupyterMessage<object>, bytes: number): void {
    const request = (message.parent_header as { msg_id?: unknown }).msg_id;
    if (typeof request !== "string") return;
    this.bytes -= this.replies.get(request)?.bytes ?? 0;
    this.replies.delete(request);
    this.replies.set(request, { message, bytes });
    this.bytes += bytes;
    for (const [id, kept] of this.replies) {
      if (this.replies.size <= this.limits.replies && (this.bytes <= this.limits.bytes || this.replies.size === 1)) break;
      this.replies.delete(id);
      this.bytes -= kept.bytes;
    }
  }

  /** The kept replies to these requests, in the order asked; anything but a list of ids finds none. */
  find(requests: unknown): JournaledMessage[] {
    if (!Array.isArray(requests)) return [];
    return requests.flatMap((id) => {
      const kept = typeof id === "string" ? this.replies.get(id) : undefined;
      return kept ? [journaled(kept.message)] : [];
    });
  }
}
