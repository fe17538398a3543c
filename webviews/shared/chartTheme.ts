// The VS Code theme as a canvas needs it: concrete colours and fonts read from the --vscode-* variables
// on <body>, series colours that stand out from its background, and a signal when the user switches theme
// (VS Code changes the body's class).
import { readableColor } from "./colorContrast";

export interface ChartTheme {
  foreground: string;
  mutedForeground: string;
  grid: string;
  background: string;
  font: string;
}

function cssVariable(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function readChartTheme(): ChartTheme {
  const foreground = cssVariable("--vscode-foreground", cssVariable("--vscode-editor-foreground", "#cccccc"));
  const family = cssVariable("--vscode-font-family", "sans-serif");
  const size = cssVariable("--vscode-font-size", "12px");
  return {
    foreground,
    mutedForeground: cssVariable("--vscode-descriptionForeground", foreground),
    grid: cssVariable("--vscode-editorWidget-border", cssVariable("--vscode-panel-border", "rgba(128,128,128,0.35)")),
    background: cssVariable("--vscode-editor-background", cssVariable("--vscode-notebook-outputContainerBackgroundColor", "#1e1e1e")),
    font: `${parseInt(size, 10) - 1 || 11}px ${family}`,
  };
}

/** A CSS colour the canvas can use: `var(--name, fallback)` resolved against the current theme. */
function resolveColor(color: string): string {
  const match = /^var\((--[\w-]+),\s*(.+)\)$/.exec(color);
  return match ? cssVariable(match[1], match[2]) : color;
}

let colorCanvas: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour (hsl(), names, ...) as #rrggbb or rgba(), the forms readableColor reads: a canvas says. */
function normalizedColor(color: string): string {
  colorCanvas ??= document.createElement("canvas").getContext("2d");
  if (!colorCanvas) return color;
  colorCanvas.fillStyle = "#000000";
  colorCanvas.fillStyle = color;
  return colorCanvas.fillStyle;
}

/** A series colour as drawn: resolved against the theme, and lightened or darkened where it would not stand
 * out from the background (a theme's dark blue on a dark editor). */
export function chartColor(color: string, theme: ChartTheme = readChartTheme()): string {
  return readableColor(normalizedColor(resolveColor(color)), normalizedColor(theme.background));
}

const listeners = new Set<() => void>();
let observer: MutationObserver | undefined;

/** Calls back after each theme switch: VS Code changes the body's class (vscode-light, vscode-dark, ...)
 * and rewrites the variables in the root element's style attribute. */
export function onThemeChange(listener: () => void): () => void {
  if (!observer) {
    // Compared by what the charts use: VS Code also rewrites the style attribute for other reasons.
    const themeKey = (): string => `${document.body.className}|${JSON.stringify(readChartTheme())}`;
    let lastKey = themeKey();
    observer = new MutationObserver(() => {
      const key = themeKey();
      if (key === lastKey) return;
      lastKey = key;
      for (const each of [...listeners]) each();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["class"] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
