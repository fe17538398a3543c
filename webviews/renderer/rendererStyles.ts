// esbuild writes the CSS the renderer imports to renderer.css beside renderer.js, but VS Code loads only
// the script into the notebook's output webview: link the stylesheet once, from where the script came.
// Outputs wait for it, so that their first frame already has its final layout and height.
let loaded: Promise<void> | undefined;

export function rendererStyles(): Promise<void> {
  loaded ??= new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("./renderer.css", import.meta.url).href;
    // A missing stylesheet costs looks, not the charts: draw anyway.
    link.addEventListener("load", () => resolve());
    link.addEventListener("error", () => resolve());
    document.head.append(link);
  });
  return loaded;
}
