// One messaging channel to the notebook renderer (webviews/renderer/), shared by every feature that
// answers it: each registers the message types it handles.
import * as vscode from "vscode";

const RENDERER_ID = "tfjs-studio-renderer";

export interface RendererMessage {
  type: string;
  [key: string]: unknown;
}

type Handler = (message: RendererMessage, editor: vscode.NotebookEditor) => void | Promise<void>;

export class RendererMessaging implements vscode.Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  private readonly handlers = new Map<string, Handler>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscription = this.messaging.onDidReceiveMessage(({ editor, message }) => this.dispatch(message, editor));
  }

  handle(type: string, handler: Handler): void {
    this.handlers.set(type, handler);
  }

  private async dispatch(message: unknown, editor: vscode.NotebookEditor): Promise<void> {
    const type = (message as RendererMessage | undefined)?.type;
    const handler = typeof type === "string" ? this.handlers.get(type) : undefined;
    if (!handler) {
      this.log.warn(`renderer message of unknown type ${JSON.stringify(type)} ignored`);
      return;
    }
    try {
      await handler(message as RendererMessage, editor);
    } catch (error) {
      this.log.error(`renderer message ${type}: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
