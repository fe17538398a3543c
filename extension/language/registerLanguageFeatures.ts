// Completion and hover in TypeScript notebook cells, answered by the notebook's kernel (complete_request and
// inspect_request), so they know everything earlier cells declared.
import * as vscode from "vscode";
import type { KernelClient } from "../../client/kernelClient";
import type { JupyterMessage } from "../../protocol/messages";
import type { KernelSessionRegistry } from "../kernel/sessionTypes";
import { completionsFromReply, cursorPos, hoverFromReply } from "./kernelReplies";

// Not narrowed with notebookType "jupyter-notebook": in code-server (remote notebooks) such a filter matches no cell.
// Cells of notebooks without our kernel get nothing anyway: only notebooks with a session are asked.
const CELLS: vscode.DocumentSelector = { scheme: "vscode-notebook-cell", language: "typescript" };
/** A kernel stuck in a synchronous loop answers nothing; past this the editor stops waiting (the kernel answers later, unheard). */
const REQUEST_TIMEOUT_MS = 5000;

export function registerLanguageFeatures(sessions: KernelSessionRegistry): vscode.Disposable {
  const requests = new KernelRequests(sessions);
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(
      CELLS,
      {
        async provideCompletionItems(document, position, token) {
          const code = document.getText();
          const reply = await requests.send(document, "complete_request", { code, cursor_pos: cursorPos(code, document.offsetAt(position)) }, token);
          if (!reply) return undefined;
          const items = completionsFromReply(reply.content, code).map((completion, index) => {
            const item = new vscode.CompletionItem(completion.text, vscode.CompletionItemKind[completion.kind]);
            item.range = new vscode.Range(document.positionAt(completion.start), document.positionAt(completion.end));
            // The kernel sends matches best first.
            item.sortText = String(index).padStart(5, "0");
            return item;
          });
          return new vscode.CompletionList(items, false);
        },
      },
      ".",
    ),
    vscode.languages.registerHoverProvider(CELLS, {
      async provideHover(document, position, token) {
        const word = document.getWordRangeAtPosition(position);
        if (!word) return undefined;
        const code = document.getText();
        // The end of the word: the kernel describes the identifier that ends at the cursor.
        const reply = await requests.send(document, "inspect_request", { code, cursor_pos: cursorPos(code, document.offsetAt(word.end)), detail_level: 0 }, token);
        const hover = reply && hoverFromReply(reply.content);
        if (!hover) return undefined;
        const contents = "markdown" in hover ? new vscode.MarkdownString(hover.markdown) : new vscode.MarkdownString().appendCodeblock(hover.plain, "text");
        return new vscode.Hover(contents, word);
      },
    }),
  );
}

/**
 * Sends editor requests to the kernel of the cell's notebook, one at a time per kernel: the kernel answers in order,
 * so a request cancelled while it waits for its turn is never sent, and fast typing does not pile up work.
 * Without a running kernel there is no answer, and no error either: the editor just shows nothing.
 */
class KernelRequests {
  private readonly lastRequest = new WeakMap<KernelClient, Promise<unknown>>();

  constructor(private readonly sessions: KernelSessionRegistry) {}

  async send(cell: vscode.TextDocument, msgType: string, content: object, token: vscode.CancellationToken): Promise<JupyterMessage | undefined> {
    const client = this.clientOf(cell);
    if (!client) return undefined;
    const previous = this.lastRequest.get(client) ?? Promise.resolve();
    const request = previous.then(() => (token.isCancellationRequested ? undefined : client.request("shell", msgType, content, { timeoutMs: REQUEST_TIMEOUT_MS })));
    const settled = request.catch(() => undefined);
    this.lastRequest.set(client, settled);
    let listener: vscode.Disposable | undefined;
    const cancelled = new Promise<undefined>((resolve) => (listener = token.onCancellationRequested(() => resolve(undefined))));
    try {
      // A dead kernel, a timeout or a closed client all mean "no suggestions"; the controller reports the kernel's fate.
      return await Promise.race([settled, cancelled]);
    } finally {
      listener?.dispose();
    }
  }

  private clientOf(cell: vscode.TextDocument): KernelClient | undefined {
    const notebook = vscode.workspace.notebookDocuments.find((candidate) => candidate.getCells().some((c) => c.document === cell));
    const session = notebook && this.sessions.get(notebook);
    return session && (session.state === "idle" || session.state === "busy") ? session.client : undefined;
  }
}
