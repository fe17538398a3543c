// esbuild writes the CSS the renderer imports to renderer.css beside renderer.js, but VS Code loads only
// the script into the notebook's output webview: link the stylesheet once, from where the script came.
let linked = false;

export function ensureRendererStyles(): void {
  if (linked) return;
  linked = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("./renderer.css", import.meta.url).href;
  document.head.append(link);
}
