// One map from msg_type to its content type (Jupyter messaging 5.3), for the kernel, the client and the
// extension. Contents arrive as unchecked JSON: a type here says what a well-formed message holds, and code that
// reads a field a client controls still checks it (the executor checks execute_request's code, for one).
import type { JsonObject, JupyterMessage, MessageHeader, MimeBundle } from "./messages";
import type { LANGUAGE_INFO } from "./languageInfo";
import type { MODEL_GRAPH_REQUEST, ModelGraphReplyContent, ModelGraphRequestContent } from "./modelGraphRequest";

export interface ExecuteRequestContent {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, unknown> | null;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
  /** Ours, on type errors only: where they are, so editors can mark them (the traceback is for people). */
  diagnostics?: ErrorDiagnostic[];
}

/**
 * A type error in the cell. line and column are 1-based (line 0: the error has no position in the cell); column and
 * length count UTF-16 code units, as TypeScript and editors do.
 */
export interface ErrorDiagnostic {
  line: number;
  column: number;
  length: number;
  code: number;
  message: string;
  category: "error";
}

export type ExecuteReplyContent =
  | { status: "ok"; execution_count: number; user_expressions: Record<string, unknown>; payload: [] }
  | ({ status: "error"; execution_count: number | null; user_expressions: Record<string, unknown>; payload: [] } & ErrorContent);

/** kernel_info_reply's `tfjs` field: what the kernel knows of its TensorFlow.js backend. */
export interface KernelInfoTfjs {
  status: "loading" | "ready" | "failed";
  backend: string | null;
  tfjs_backend: string | null;
  description: string | null;
  version: string | null;
  devices: string[];
  simd: boolean | null;
  threads: number | null;
  /** Why `threads` is fewer than asked, e.g. "threads unavailable: <reason>". */
  threads_note: string | null;
  forced: string | null;
  skipped: { backend: string; reason: string }[];
  error: string | null;
}

export interface KernelInfoReplyContent {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: typeof LANGUAGE_INFO & { version: string };
  banner: string;
  help_links: { text: string; url: string }[];
  debugger: boolean;
  tfjs: KernelInfoTfjs;
}

export interface CodeAtCursorContent {
  code: string;
  cursor_pos: number;
}

export interface HistoryRequestContent {
  output?: boolean;
  raw?: boolean;
  hist_access_type: "range" | "tail" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

export interface CommContent {
  comm_id: string;
  data?: JsonObject;
}

export interface DisplayContent {
  data: MimeBundle;
  metadata: JsonObject;
  transient?: { display_id?: string };
}

export interface MessageContents {
  execute_request: ExecuteRequestContent;
  execute_reply: ExecuteReplyContent;
  kernel_info_request: Record<string, never>;
  kernel_info_reply: KernelInfoReplyContent;
  complete_request: CodeAtCursorContent;
  inspect_request: CodeAtCursorContent & { detail_level?: 0 | 1 };
  is_complete_request: { code: string };
  history_request: HistoryRequestContent;
  comm_info_request: { target_name?: string };
  comm_open: CommContent & { target_name: string };
  comm_msg: CommContent;
  comm_close: CommContent;
  input_request: { prompt: string; password: boolean };
  input_reply: { value: string };
  interrupt_request: Record<string, never>;
  shutdown_request: { restart: boolean };
  status: { execution_state: "busy" | "idle" | "starting" };
  execute_input: { code: string; execution_count: number };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: DisplayContent;
  update_display_data: DisplayContent;
  execute_result: DisplayContent & { execution_count: number };
  error: ErrorContent;
  clear_output: { wait: boolean };
  /** Ours: a displayed model's current graph (protocol/modelGraphRequest.ts). */
  [MODEL_GRAPH_REQUEST]: ModelGraphRequestContent;
  tfjs_studio_model_graph_reply: ModelGraphReplyContent;
}

export type MessageType = keyof MessageContents;

export type MessageOf<T extends MessageType> = JupyterMessage<MessageContents[T]> & { header: MessageHeader & { msg_type: T } };

/** Narrows a message by its msg_type. */
export function isMessage<T extends MessageType>(message: JupyterMessage<unknown>, type: T): message is MessageOf<T> {
  return message.header.msg_type === type;
}
