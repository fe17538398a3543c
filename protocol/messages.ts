// Jupyter messaging types (protocol 5.3, shutdown on control as in 5.4).
import { randomUUID } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";

export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  subshell_id?: string | null;
}

export type JsonObject = { [key: string]: unknown };

export interface JupyterMessage<Content = JsonObject> {
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: Content;
  buffers: Buffer[];
}

/** A message together with the ZeroMQ routing identities it arrived with. */
export interface RoutedMessage {
  channel: Channel;
  identities: Buffer[];
  message: JupyterMessage;
}

export interface MimeBundle {
  [mimeType: string]: unknown;
}

export function makeHeader(msgType: string, session: string, username = "kernel"): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export function makeMessage<C extends object>(
  msgType: string,
  content: C,
  parent: JupyterMessage | undefined,
  session: string,
  metadata: JsonObject = {},
  buffers: Buffer[] = [],
): JupyterMessage<C> {
  return {
    header: makeHeader(msgType, session, parent?.header.username),
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers,
  };
}

/** The reply type for a request type: `execute_request` → `execute_reply`. */
export function replyType(requestType: string): string {
  return requestType.replace(/_request$/, "_reply");
}
