// Draws a laid-out model graph as SVG once, then only moves one transform for pan and zoom: a
// 500-layer model stays smooth because nothing is re-laid-out or re-drawn per frame.
import { escapeHtml } from "../../protocol/escapeHtml";
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import { nodeLines, type GraphLayout } from "./graphLayout";

const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
/** Below this, "fit" would make the boxes unreadable: the first view shows the start at a readable size. */
const READABLE_SCALE = 0.6;
/**
 * Below this, box text is too small to read and is hidden (with the arrow heads): text is most of
 * the drawing cost, so a zoomed-out 500-layer graph still pans smoothly.
 */
const TEXT_SCALE = 0.4;
/** Pointer travel (px) that turns a click into a drag. */
const DRAG_THRESHOLD = 4;

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly nodeElements = new Map<string, SVGGElement>();
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private frame = 0;
  /** The automatic view shown, which a resize redoes; undefined once the user moved the view. */
  private automatic: "initialView" | "fit" | undefined;
  /** The host's size when the view was last set, to keep its centre where it is on a resize. */
  private size = { width: 0, height: 0 };

  constructor(
    private readonly host: HTMLElement,
    private readonly graph: ModelGraph,
    private readonly layout: GraphLayout,
    private readonly onSelect: (name: string) => void,
  ) {
    this.svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.svg.setAttribute("class", "graph");
    // One innerHTML for thousands of elements is far faster than creating them one by one.
    this.svg.innerHTML = `<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" class="arrow-head"/></marker></defs><g class="viewport">${this.edgesMarkup()}${this.nodesMarkup()}</g>`;
    this.viewport = this.svg.querySelector("g.viewport")!;
    for (const element of this.svg.querySelectorAll<SVGGElement>("g.layer-node")) this.nodeElements.set(element.dataset.name!, element);
    host.replaceChildren(this.svg);
    this.listen();
  }

  /**
   * The first view, redone when the panel is resized until the user moves it: the whole graph when it fits
   * readably, else its start (top or left) at a readable size.
   */
  initialView(): void {
    const fit = this.fitScale();
    if (fit >= READABLE_SCALE) {
      this.fit();
    } else {
      this.scale = READABLE_SCALE;
      const { width, height } = this.hostSize();
      if (this.layout.direction === "DOWN") {
        this.tx = (width - this.layout.width * this.scale) / 2;
        this.ty = 0;
      } else {
        this.tx = 0;
        this.ty = (height - this.layout.height * this.scale) / 2;
      }
      this.apply();
    }
    this.automatic = "initialView";
  }

  /** The whole graph, centred; also redone on a resize. */
  fit(): void {
    const { width, height } = this.hostSize();
    this.scale = Math.min(this.fitScale(), 1.5);
    this.tx = (width - this.layout.width * this.scale) / 2;
    this.ty = (height - this.layout.height * this.scale) / 2;
    this.apply();
    this.automatic = "fit";
  }

  /** After the host changed size: the automatic view is redone; a view the user chose keeps its centre. */
  resized(): void {
    const before = this.size;
    const now = this.hostSize();
    if (now.width === before.width && now.height === before.height) return;
    if (this.automatic) return this[this.automatic]();
    this.tx += (now.width - before.width) / 2;
    this.ty += (now.height - before.height) / 2;
    this.apply();
  }

  /** Runs `read` with the find highlights and the selection taken off: an export shows the plain graph. */
  unmarked<T>(read: () => T): T {
    const marked = [...this.svg.querySelectorAll<SVGGElement>("g.layer-node.match, g.layer-node.selected")].map((element) => ({ element, classes: element.getAttribute("class")! }));
    for (const { element } of marked) element.classList.remove("match", "selected");
    try {
      return read();
    } finally {
      for (const { element, classes } of marked) element.setAttribute("class", classes);
    }
  }

  zoomBy(factor: number, atX?: number, atY?: number): void {
    const { width, height } = this.hostSize();
    const x = atX ?? width / 2;
    const y = atY ?? height / 2;
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    // Keep the graph point under (x, y) where it is.
    this.tx = x - ((x - this.tx) * scale) / this.scale;
    this.ty = y - ((y - this.ty) * scale) / this.scale;
    this.scale = scale;
    this.moved();
  }

  /** Centres a layer unless all of it is in view already. */
  reveal(name: string): void {
    const placed = this.layout.nodes.find((node) => node.name === name);
    if (!placed) return;
    const { width, height } = this.hostSize();
    const [left, top] = [this.tx + placed.x * this.scale, this.ty + placed.y * this.scale];
    const inView = left >= 0 && top >= 0 && left + placed.width * this.scale <= width && top + placed.height * this.scale <= height;
    if (!inView || this.scale < READABLE_SCALE) this.center(name);
  }

  /** Centres a layer, zooming in to a readable size if needed. */
  center(name: string): void {
    const placed = this.layout.nodes.find((node) => node.name === name);
    if (!placed) return;
    const { width, height } = this.hostSize();
    this.scale = Math.max(this.scale, READABLE_SCALE);
    this.tx = width / 2 - (placed.x + placed.width / 2) * this.scale;
    this.ty = height / 2 - (placed.y + placed.height / 2) * this.scale;
    this.moved();
  }

  select(name: string | undefined): void {
    for (const element of this.svg.querySelectorAll("g.layer-node.selected")) element.classList.remove("selected");
    if (name) this.nodeElements.get(name)?.classList.add("selected");
  }

  /** Marks the layers whose name contains `query` (any case); returns their names in graph order. */
  highlight(query: string): string[] {
    const needle = query.trim().toLowerCase();
    const matches: string[] = [];
    for (const [name, element] of this.nodeElements) {
      const match = needle !== "" && name.toLowerCase().includes(needle);
      element.classList.toggle("match", match);
      if (match) matches.push(name);
    }
    return matches;
  }

  private fitScale(): number {
    const { width, height } = this.hostSize();
    return Math.max(MIN_SCALE, Math.min(width / Math.max(1, this.layout.width), height / Math.max(1, this.layout.height)));
  }

  private hostSize(): { width: number; height: number } {
    const { width, height } = this.host.getBoundingClientRect();
    return { width, height };
  }

  /** A view the user chose (zoom, pan, a layer centred): resizes keep it. */
  private moved(): void {
    this.automatic = undefined;
    this.apply();
  }

  private apply(): void {
    this.size = this.hostSize();
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.viewport.setAttribute("transform", `translate(${this.tx.toFixed(1)},${this.ty.toFixed(1)}) scale(${this.scale.toFixed(4)})`);
      this.svg.classList.toggle("far", this.scale < TEXT_SCALE);
    });
  }

  private listen(): void {
    this.svg.addEventListener(
      "wheel",
      (event) => {
        event.preventDefault();
        const box = this.svg.getBoundingClientRect();
        this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false },
    );
    let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | undefined;
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, tx: this.tx, ty: this.ty, moved: false };
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!drag.moved) {
        drag.moved = true;
        this.svg.setPointerCapture(event.pointerId);
        this.svg.classList.add("panning");
      }
      this.tx = drag.tx + dx;
      this.ty = drag.ty + dy;
      this.moved();
    });
    const end = (event: PointerEvent) => {
      const wasClick = drag && !drag.moved;
      drag = undefined;
      this.svg.classList.remove("panning");
      if (!wasClick) return;
      const name = (event.target as Element | null)?.closest<SVGGElement>("g.layer-node")?.dataset.name;
      if (name !== undefined) this.onSelect(name);
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", () => {
      drag = undefined;
      this.svg.classList.remove("panning");
    });
  }

  private nodesMarkup(): string {
    const byName = new Map(this.graph.nodes.map((node) => [node.name, node]));
    return `<g class="nodes">${this.layout.nodes
      .map((placed) => {
        const node = byName.get(placed.name)!;
        const [className, name, shape, params] = nodeLines(node).map(escapeHtml);
        const classes = ["layer-node", node.className === "InputLayer" ? "input" : "", node.trainable ? "" : "frozen", node.model ? "nested" : ""].filter(Boolean).join(" ");
        return `<g class="${classes}" data-name="${escapeHtml(node.name)}" transform="translate(${placed.x},${placed.y})"><title>${name} (${className})</title><rect width="${placed.width}" height="${placed.height}" rx="4"/><text class="class" x="10" y="17">${className}</text><text class="name" x="10" y="33">${name}</text><text class="shape" x="10" y="48">${shape}</text><text class="params" x="10" y="62">${params}</text></g>`;
      })
      .join("")}</g>`;
  }

  private edgesMarkup(): string {
    return `<g class="edges">${this.layout.edges
      .map((edge) => `<path class="edge" marker-end="url(#arrow)" d="M${edge.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" L")}"/>`)
      .join("")}</g>`;
  }
}
