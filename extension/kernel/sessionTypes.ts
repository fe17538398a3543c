// What the rest of the extension sees of a notebook's kernel: the status bar, the language features and the
// panels read sessions through these types; extension/kernel/kernelSessions.ts implements them.
import type * as vscode from "vscode";
import type { KernelClient } from "../../client/kernelClient";

/**
 * `starting` until kernel_info answers; `dead` after the process exited on its own; `shutdown` after we stopped it;
 * `reconnecting` while the link to a remote kernel is down (the kernel runs on).
 */
export type KernelState = "starting" | "idle" | "busy" | "restarting" | "reconnecting" | "dead" | "shutdown";

export interface NotebookKernelSession {
  readonly notebook: vscode.NotebookDocument;
  readonly state: KernelState;
  /** The kernel_info_reply content, once the kernel answered (its `tfjs` field names the backend). */
  readonly kernelInfo: Record<string, unknown> | undefined;
  /** The connected client; undefined while starting and after the kernel is gone. */
  readonly client: KernelClient | undefined;
  /** The Node.js runtime that runs the kernel, and why it was chosen (shown in the output channel and kernel info). */
  readonly runtimeDescription: string | undefined;
  /** Where the kernel runs when not on this machine: the SSH host, as the user named it. */
  readonly host: string | undefined;
}

export interface KernelSessionRegistry {
  /** The session of a notebook, if one was started and not disposed. */
  get(notebook: vscode.NotebookDocument): NotebookKernelSession | undefined;
  /** Fires on every state change of any session (also on kernelInfo arriving). */
  readonly onDidChangeSession: vscode.Event<NotebookKernelSession>;
  restart(notebook: vscode.NotebookDocument): Promise<void>;
  shutdown(notebook: vscode.NotebookDocument): Promise<void>;
}
