// The whole graph as a standalone SVG file or a PNG: the theme's colours are written into the file,
// since the --vscode-* variables do not exist outside VS Code.
import type { GraphLayout } from "./graphLayout";

const INLINED = ["fill", "stroke", "stroke-width", "font-family", "font-size", "font-weight", "opacity"] as const;
/** Chromium's canvas limits (32767 px a side, about 268M px): stay well below. */
const MAX_PNG_SIDE = 16_000;
const MAX_PNG_PIXELS = 120_000_000;

export function standaloneSvg(svg: SVGSVGElement, layout: GraphLayout): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = svg.querySelectorAll<SVGElement>("rect, text, path");
  const copies = copy.querySelectorAll<SVGElement>("rect, text, path");
  originals.forEach((original, i) => {
    const computed = getComputedStyle(original);
    // Presentation attributes, not style="": the page's CSP forbids inline styles.
    for (const property of INLINED) copies[i].setAttribute(property, computed.getPropertyValue(property));
  });
  copy.querySelector("g.viewport")?.removeAttribute("transform");
  copy.removeAttribute("class");
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(Math.ceil(layout.width)));
  copy.setAttribute("height", String(Math.ceil(layout.height)));
  copy.setAttribute("viewBox", `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`);
  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", getComputedStyle(document.body).backgroundColor);
  copy.insertBefore(background, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** Renders the standalone SVG to PNG bytes, in base64, at up to twice its size. */
export async function pngBase64(svgText: string, layout: GraphLayout): Promise<string> {
  const scale = Math.min(2, MAX_PNG_SIDE / layout.width, MAX_PNG_SIDE / layout.height, Math.sqrt(MAX_PNG_PIXELS / (layout.width * layout.height)));
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(layout.width * scale));
    canvas.height = Math.max(1, Math.round(layout.height * scale));
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2D canvas available");
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!blob) throw new Error(`the image (${canvas.width}×${canvas.height} px) is too large to encode`);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  } finally {
    URL.revokeObjectURL(url);
  }
}
