// playwright-core, loaded from where scripts/install-code-server.sh installed it (beside code-server, outside
// node_modules, so that its own declarations are not visible to tsc): the part of its API these tests use.
import { requireFromPrefix } from "../../../scripts/codeServer";

export interface WaitOptions {
  state?: "attached" | "detached" | "visible" | "hidden";
  timeout?: number;
}

/** What code evaluated in the page sees of an element (the tests have no DOM declarations). */
export interface PageElement {
  className: string;
  textContent: string | null;
}

export interface Locator {
  click(options?: { timeout?: number; button?: "left" | "right"; force?: boolean; position?: { x: number; y: number } }): Promise<void>;
  hover(options?: { timeout?: number; force?: boolean; position?: { x: number; y: number } }): Promise<void>;
  dispatchEvent(type: string): Promise<void>;
  boundingBox(options?: { timeout?: number }): Promise<{ x: number; y: number; width: number; height: number } | null>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  inputValue(options?: { timeout?: number }): Promise<string>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  waitFor(options?: WaitOptions): Promise<void>;
  isVisible(): Promise<boolean>;
  count(): Promise<number>;
  innerText(options?: { timeout?: number }): Promise<string>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  evaluate<R, E = PageElement>(fn: (element: E) => R | Promise<R>): Promise<R>;
  evaluateAll<R, E = PageElement>(fn: (elements: E[]) => R | Promise<R>): Promise<R>;
  locator(selector: string, options?: { hasText?: string | RegExp; has?: Locator }): Locator;
  filter(options: { hasText?: string | RegExp; has?: Locator; visible?: boolean }): Locator;
  or(other: Locator): Locator;
  and(other: Locator): Locator;
  first(): Locator;
  nth(index: number): Locator;
  frameLocator(selector: string): FrameLocator;
}

export interface FrameLocator {
  locator(selector: string, options?: { hasText?: string | RegExp; has?: Locator }): Locator;
  frameLocator(selector: string): FrameLocator;
}

export interface Page extends Pick<Locator, "locator"> {
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  frameLocator(selector: string): FrameLocator;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void>; insertText(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void>; wheel(deltaX: number, deltaY: number): Promise<void> };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  waitForTimeout(ms: number): Promise<void>;
  setDefaultTimeout(ms: number): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
}

export interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

interface Playwright {
  chromium: {
    launchPersistentContext(
      userDataDir: string,
      options: { executablePath: string; headless: boolean; env: NodeJS.ProcessEnv; args: string[]; viewport: { width: number; height: number }; timeout?: number },
    ): Promise<BrowserContext>;
  };
}

export function loadPlaywright(): Playwright {
  return requireFromPrefix()("playwright-core") as Playwright;
}
