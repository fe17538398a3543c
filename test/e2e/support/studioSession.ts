// One code-server with the extension plus one headless Chromium on it, for the whole end-to-end suite
// (each takes seconds to start). Debian's /usr/bin/chromium, driven by playwright-core.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, checkChromium, type CodeServer, processesInside, startCodeServer } from "../../../scripts/codeServer";
import { type BrowserContext, loadPlaywright, type Page } from "./playwright";
import { Workbench } from "./workbench";

export interface StudioSessionOptions {
  /** Fills the workspace folder before code-server opens it. */
  prepareWorkspace(dir: string): void;
  /** For code-server, its extension host and the kernels it starts. */
  env?: NodeJS.ProcessEnv;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  /** A command of the extension under test: the session is ready when the palette lists it. */
  readyCommand: string;
  /** Default timeout of every wait, in ms. */
  stepTimeoutMs: number;
}

export interface StudioSession {
  workspace: string;
  server: CodeServer;
  page: Page;
  workbench: Workbench;
  /** Lines the page logged as errors, for failure reports. */
  pageErrors: string[];
  stop(): Promise<void>;
}

export async function startStudioSession(options: StudioSessionOptions): Promise<StudioSession> {
  checkChromium();
  const workspace = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tfjs-studio-e2e-workspace-"));
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    const dirs = [workspace, ...(server ? [server.tempRoot] : [])];
    await server?.stop();
    // Kernels run in the workspace, code-server and Chromium in the server's folder: nothing may outlive the suite.
    const leftovers = processesInside(dirs);
    fs.rmSync(workspace, { recursive: true, force: true });
    if (leftovers.length > 0) throw new Error(`processes left behind:\n${leftovers.join("\n")}`);
  };
  try {
    options.prepareWorkspace(workspace);
    server = await startCodeServer({ workspace, env: options.env, settings: options.settings });
    browser = await loadPlaywright().chromium.launchPersistentContext(server.makeTempDir("chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, ...server.isolatedEnv },
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: options.stepTimeoutMs,
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(options.stepTimeoutMs);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error).slice(0, 500)));
    await page.goto(server.url);
    const workbench = new Workbench(page, options.stepTimeoutMs);
    await workbench.waitUntilReady();
    // Our extension's contributions are registered once the palette knows one of its commands.
    await workbench.waitForCommand(options.readyCommand, 60_000);
    return { workspace, server, page, workbench, pageErrors, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
