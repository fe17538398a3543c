// The Jupyter wire format: routing identities, delimiter, HMAC signature, four JSON frames, buffers.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { JupyterMessage, MessageHeader } from "./messages";

const DELIMITER = "<IDS|MSG>";

export class WireError extends Error {
  override name = "WireError";
}

/** Signs and verifies messages; an empty key means messages are neither signed nor checked. */
export class Signer {
  private readonly algorithm: string;

  constructor(private readonly key: string, scheme = "hmac-sha256") {
    const match = /^hmac-(.+)$/.exec(scheme);
    if (!match) throw new WireError(`unsupported signature scheme "${scheme}"`);
    this.algorithm = match[1];
    // Fail now, not on the first message, when Node lacks the digest.
    if (key) createHmac(this.algorithm, key);
  }

  sign(frames: Buffer[]): string {
    if (!this.key) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  verify(signature: string, frames: Buffer[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(frames), "utf8");
    const actual = Buffer.from(signature, "utf8");
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

export function encodeMessage(message: JupyterMessage<object>, identities: Buffer[], signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [...identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...message.buffers];
}

/** Parses raw frames. Throws WireError on a bad signature or a malformed message. */
export function decodeMessage(frames: Buffer[], signer: Signer): { identities: Buffer[]; message: JupyterMessage } {
  const delimiterIndex = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER);
  if (delimiterIndex < 0) throw new WireError("no <IDS|MSG> delimiter");
  if (frames.length < delimiterIndex + 6) throw new WireError(`expected at least 5 frames after the delimiter, got ${frames.length - delimiterIndex - 1}`);
  const signature = frames[delimiterIndex + 1].toString("utf8");
  const parts = frames.slice(delimiterIndex + 2, delimiterIndex + 6);
  if (!signer.verify(signature, parts)) throw new WireError("invalid HMAC signature");
  const [header, parentHeader, metadata, content] = parts.map((part, index) => parseJsonObject(part, FRAME_NAMES[index]));
  const checkedHeader = messageHeader(header);
  if (!checkedHeader) throw new WireError("header lacks msg_type or msg_id");
  return {
    identities: frames.slice(0, delimiterIndex),
    message: {
      header: checkedHeader,
      // Empty for a message that answers nothing.
      parent_header: messageHeader(parentHeader) ?? {},
      metadata,
      content,
      buffers: frames.slice(delimiterIndex + 6),
    },
  };
}

/** A header as sent, or undefined when it lacks the two fields every header has. Optional ones default as jupyter_client's do. */
function messageHeader(fields: Record<string, unknown>): MessageHeader | undefined {
  const { msg_id: msgId, msg_type: msgType } = fields;
  if (typeof msgId !== "string" || typeof msgType !== "string") return undefined;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const header: MessageHeader = { msg_id: msgId, msg_type: msgType, session: text(fields.session), username: text(fields.username), date: text(fields.date), version: text(fields.version) };
  if (typeof fields.subshell_id === "string" || fields.subshell_id === null) header.subshell_id = fields.subshell_id;
  return header;
}

const FRAME_NAMES = ["header", "parent_header", "metadata", "content"];

function parseJsonObject(frame: Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch (error) {
    throw new WireError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new WireError(`${name} is not a JSON object`);
  return value as Record<string, unknown>;
}
