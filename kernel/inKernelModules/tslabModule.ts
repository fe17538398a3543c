// `import * as tslab from "tslab"`, so notebooks written for tslab run unchanged.
import { randomUUID } from "node:crypto";
import { packageVersion } from "../../protocol/packageRoot";
import { loadTypeScript } from "../typescript/loadTypeScript";
import { display, type DisplayOptions } from "./display";

type Bytes = Uint8Array | string;

/** tslab's Display: each call shows content; a display from newDisplay() replaces its own output. */
function tslabDisplay(options: () => DisplayOptions) {
  return {
    javascript: (s: string) => void display.javascript(s, options()),
    html: (s: string) => void display.html(s, options()),
    markdown: (s: string) => void display.markdown(s, options()),
    latex: (s: string) => void display.latex(s, options()),
    svg: (s: string) => void display.svg(s, options()),
    png: (b: Bytes) => void display.png(b, options()),
    jpeg: (b: Bytes) => void display.jpeg(b, options()),
    gif: (b: Bytes) => void display.gif(b, options()),
    pdf: (b: Bytes) => void display.pdf(b, options()),
    text: (s: string) => void display.text(s, options()),
    raw: (contentType: string, b: string | Uint8Array) =>
      void display.bundle({ [contentType]: typeof b === "string" ? b : Buffer.from(b).toString("base64") }, options()),
  };
}

export const tslabModule = {
  display: tslabDisplay(() => ({})),
  newDisplay() {
    const displayId = randomUUID();
    let shown = false;
    return tslabDisplay(() => {
      const options = { displayId, update: shown };
      shown = true;
      return options;
    });
  },
  get versions() {
    return { tslab: `tfjs-studio ${packageVersion()}`, typescript: loadTypeScript().version, node: process.version };
  },
};
