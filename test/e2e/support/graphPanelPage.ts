// What the end-to-end tests measure in the model graph panel's page. Each function runs inside the page (Playwright
// sends its source), so it is self-contained; the few DOM members it uses are declared here (the tests have no DOM
// declarations).

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

interface PageNode {
  nodeType: number;
  textContent: string | null;
  parentElement: DomElement | null;
}

export interface DomElement extends PageNode {
  children: ArrayLike<DomElement>;
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): Box;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  getAttribute(name: string): string | null;
  ownerDocument: {
    elementFromPoint(x: number, y: number): DomElement | null;
    createRange(): { setStart(node: PageNode, offset: number): void; setEnd(node: PageNode, offset: number): void; getClientRects(): ArrayLike<Box> };
    createTreeWalker(root: DomElement, whatToShow: number): { nextNode(): PageNode | null };
    defaultView: { getComputedStyle(element: DomElement): { fill: string; backgroundColor: string } } | null;
    body: DomElement;
  };
}

/** How far apart (px) the vertical centres of the toolbar's items are: a few px in one row, a row's height and more in two. */
export function toolbarRowSpread(toolbar: DomElement): number {
  const centres = Array.from(toolbar.children)
    .map((child) => child.getBoundingClientRect())
    .filter((box) => box.width > 0)
    .map((box) => (box.top + box.bottom) / 2);
  return Math.max(...centres) - Math.min(...centres);
}

/** The toolbar's items (by id, else tag) that are not wholly inside it, e.g. scrolled out of sight. */
export function toolbarItemsCutOff(toolbar: DomElement): string[] {
  const frame = toolbar.getBoundingClientRect();
  return Array.from(toolbar.children)
    .filter((child) => {
      const box = child.getBoundingClientRect();
      return box.width > 0 && (box.left < frame.left - 1 || box.right > frame.right + 1);
    })
    .map((child) => child.getAttribute("id") ?? "?");
}

/** The layers whose box is not wholly inside the graph's pane, or is covered there by something else (the details pane). */
export function layersOutOfView(body: DomElement): string[] {
  const pane = body.querySelector("#graph-host")!.getBoundingClientRect();
  const hidden: string[] = [];
  for (const node of Array.from(body.querySelectorAll("g.layer-node"))) {
    const box = node.getBoundingClientRect();
    const inside = box.left >= pane.left - 1 && box.right <= pane.right + 1 && box.top >= pane.top - 1 && box.bottom <= pane.bottom + 1;
    const onTop = body.ownerDocument.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2)?.closest("g.layer-node") === node;
    if (!inside || !onTop) hidden.push(node.dataset.name ?? "?");
  }
  return hidden;
}

/** Where the details pane is, seen from the graph: "below" or "beside". */
export function detailsPlacement(body: DomElement): string {
  const graph = body.querySelector("#graph-host")!.getBoundingClientRect();
  const side = body.querySelector("#side")!.getBoundingClientRect();
  return side.top >= graph.bottom - 2 ? "below" : side.left >= graph.right - 2 ? "beside" : `overlapping (graph ${JSON.stringify(graph)}, details ${JSON.stringify(side)})`;
}

/** Every word of the element's text that is split over two lines, e.g. "f|loat32". */
export function wordsBrokenAcrossLines(root: DomElement): string[] {
  const SHOW_TEXT = 4;
  const walker = root.ownerDocument.createTreeWalker(root, SHOW_TEXT);
  const broken: string[] = [];
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    for (const word of (text.textContent ?? "").matchAll(/\S+/g)) {
      const range = root.ownerDocument.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      const lines = new Set(Array.from(range.getClientRects()).map((box) => Math.round(box.top)));
      if (lines.size > 1) broken.push(word[0]);
    }
  }
  return broken;
}

/**
 * The lowest WCAG contrast ratio between the text of a find match and its box's fill (laid over the page's
 * background, as find highlights are translucent): 4.5 or more is readable.
 */
export function lowestFindMatchContrast(body: DomElement): number {
  const view = body.ownerDocument.defaultView!;
  const rgba = (colour: string): number[] => {
    const parts = /rgba?\(([^)]+)\)/.exec(colour)?.[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    if (!parts || parts.length < 3) throw new Error(`cannot read the colour ${colour}`);
    return [parts[0], parts[1], parts[2], parts[3] ?? 1];
  };
  const over = (top: number[], bottom: number[]): number[] => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const luminance = (colour: number[]): number => {
    const [r, g, b] = colour.slice(0, 3).map((value) => {
      const channel = value / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: number[], b: number[]): number => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const background = rgba(view.getComputedStyle(body).backgroundColor);
  const matches = Array.from(body.querySelectorAll("g.layer-node.match"));
  if (matches.length === 0) throw new Error("no layer is marked as a find match");
  let lowest = Infinity;
  for (const match of matches) {
    const fill = over(rgba(view.getComputedStyle(match.querySelector("rect")!).fill), background);
    for (const text of Array.from(match.querySelectorAll("text"))) lowest = Math.min(lowest, contrast(over(rgba(view.getComputedStyle(text).fill), fill), fill));
  }
  return lowest;
}
