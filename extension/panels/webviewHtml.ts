// The HTML shell of every TF.js Studio webview panel: one bundled ES module from dist/webviews/, its CSS,
// the codicon font, and a strict Content-Security-Policy with a fresh nonce. Nothing loads from the network.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { escapeHtml } from "../../protocol/escapeHtml";

export interface WebviewPage {
  title: string;
  /** File name in dist/webviews/, e.g. "metricsPanel.js"; its CSS (same name, .css) is linked when it exists. */
  script: string;
  /** JSON the page reads from its `#boot` element at start. */
  boot?: unknown;
  /** Allows `new Worker(blob:...)` for pages that run a worker built from a fetched script. */
  workers?: boolean;
}

function webviewsRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, "dist", "webviews");
}

/** Options for createWebviewPanel / the serializer: scripts on, resources from dist/webviews only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [webviewsRoot(extensionUri)] };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString("base64");
  const root = webviewsRoot(extensionUri);
  const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    ...(page.workers ? [`worker-src blob:`, `connect-src ${webview.cspSource}`] : []),
  ].join("; ");
  const css = page.script.replace(/\.js$/, ".css");
  // JSON in a script element of type application/json is data, not code; "<" is escaped so it cannot close the tag.
  const boot = JSON.stringify(page.boot ?? null).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${asset("codicons/codicon.css")}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${asset(css)}" nonce="${nonce}">
</head>
<body>
<script type="application/json" id="boot" nonce="${nonce}">${boot}</script>
<script type="module" src="${asset(page.script)}" nonce="${nonce}"></script>
</body>
</html>`;
}

