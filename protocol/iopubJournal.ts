// Ours, on the control channel: a detached (remote) kernel numbers every IOPub message it publishes and keeps the
// recent ones in a bounded journal, so that a client whose link dropped asks for what it missed instead of losing
// it (ZeroMQ's publisher drops whatever is sent while no subscriber is connected). It keeps its recent shell replies
// too, by the request they answer: a ROUTER socket drops a reply to a client that is not connected. The socket
// worker answers, so the answer comes while a cell blocks the kernel's main thread.
import type { JsonObject, JupyterMessage, MessageHeader } from "./messages";

export const JOURNAL_REQUEST = "tfjs_studio_journal_request";
export const JOURNAL_REPLY = "tfjs_studio_journal_reply";

/** The metadata key of a journaled IOPub message: its place in the journal. */
export const JOURNAL_STAMP_KEY = "tfjs_studio_journal";

export interface JournalStamp {
  /** The journal's id: a new one for each kernel process, so that a restarted kernel's numbers start again. */
  journal: string;
  /** 0, 1, 2, … in the order the messages were published. */
  seq: number;
}

export interface JournalLimits {
  messages: number;
  bytes: number;
}

/** Enough for minutes of a training cell's output and metrics (a kernel bounds its stream output's rate). */
export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { messages: 10_000, bytes: 32 * 1024 * 1024 };

export interface JournalRequestContent {
  /** Messages after this one; null asks only for the journal's id and head (a client that has just connected). */
  after_seq: number | null;
  /** A page's size: the reply stops after the message that reaches it and says there is more. */
  max_bytes?: number;
  /** msg_ids of shell requests whose replies have not arrived: the kernel sends back those it has sent. */
  replies_to?: string[];
}

/** A journaled message as it was published, its binary buffers in base64. */
export interface JournaledMessage {
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: string[];
}

export interface JournalReplyContent {
  status: "ok";
  journal: string;
  /** The last seq published, -1 before the first. */
  head_seq: number;
  /** In order, each with its stamp in metadata. */
  messages: JournaledMessage[];
  /** Messages after after_seq that the journal no longer keeps (its bound was exceeded). */
  dropped: number;
  /** The page was cut at max_bytes: ask again after the last message. */
  more: boolean;
  /** The journal's bounds, for a message that says why messages were dropped. */
  limits: JournalLimits;
  /** The replies asked for with replies_to that the kernel has sent and still keeps. */
  replies: JournaledMessage[];
}

export function journalStamp(metadata: JsonObject): JournalStamp | undefined {
  const stamp = metadata[JOURNAL_STAMP_KEY] as Partial<JournalStamp> | undefined;
  return typeof stamp?.journal === "string" && Number.isInteger(stamp.seq) ? (stamp as JournalStamp) : undefined;
}

/** A journaled message as a received one: its buffers decoded. */
export function revive(message: JournaledMessage): JupyterMessage {
  return { ...message, buffers: message.buffers.map((buffer) => Buffer.from(buffer, "base64")) };
}
