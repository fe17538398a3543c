// Starts code-server (VS Code in the browser) with this extension loaded, isolated from the user's files:
// fresh user data and extensions folders, XDG folders and TMPDIR of its own, bound to 127.0.0.1 only.
// Shared by `npm start` and the end-to-end tests; it knows nothing of either. Also the one place that says which
// Chromium, with which flags, the end-to-end tests and the liveCharts benchmark drive.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../protocol/packageRoot";

/** Where scripts/install-code-server.sh put code-server and playwright-core. */
export function codeServerPrefix(): string {
  return path.resolve(process.env.TFJS_STUDIO_CODE_SERVER_PREFIX || path.join(packageRoot(), ".cache", "code-server"));
}

/** `require` that resolves from the install prefix, for playwright-core. */
export function requireFromPrefix(prefix = codeServerPrefix()): NodeRequire {
  return createRequire(path.join(prefix, "package.json"));
}

/** The Chromium the end-to-end tests and the liveCharts benchmark drive: Debian's, or $CHROMIUM. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Headless Chromium's flags: no sandbox, no GPU, and no first-run, sync, update or other background traffic. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Throws, saying how to install it, when there is no browser at CHROMIUM. */
export function checkChromium(): void {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run bash scripts/install-system-deps.sh --e2e (or set CHROMIUM)`);
}

/** XDG_* and TMPDIR folders made inside `root`: given to code-server or a browser, they keep $HOME and /tmp clean. */
export function isolatedEnvIn(root: string): Record<string, string> {
  return {
    XDG_CONFIG_HOME: madeDir(root, "xdg/config"),
    XDG_DATA_HOME: madeDir(root, "xdg/data"),
    XDG_CACHE_HOME: madeDir(root, "xdg/cache"),
    // Extension hosts leave their sockets in TMPDIR; kernels their connection files.
    TMPDIR: madeDir(root, "tmp"),
  };
}

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** Added to code-server's environment, which its extension host and so the kernels inherit. */
  env?: NodeJS.ProcessEnv;
  /** Added to the quiet default user settings. */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  /** Opens the workspace: `http://127.0.0.1:<port>/?folder=...`. */
  url: string;
  logFile: string;
  /** The temporary folder with everything of this server (user data, extensions, XDG folders, TMPDIR). */
  tempRoot: string;
  /** XDG_* and TMPDIR in this server's temporary folder: give them to a browser, too, to keep $HOME and /tmp clean. */
  isolatedEnv: Record<string, string>;
  /** The user settings.json (change it through VS Code: a write from outside is not picked up at once). */
  userSettingsFile: string;
  /** A fresh folder inside the server's temporary folder, removed by stop(). */
  makeTempDir(name: string): string;
  /** Resolves when the server process exits, with its exit description. */
  exited: Promise<string>;
  /** Ends code-server and everything it started (extension hosts, kernels), then removes the temporary folders. */
  stop(): Promise<void>;
}

/**
 * User settings that keep welcome pages, trust prompts, update checks and telemetry away, and save files only when
 * the user asks, as desktop VS Code does (in a browser VS Code saves every edit after a second by default).
 */
const QUIET_SETTINGS = {
  "files.autoSave": "off",
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "git.enabled": false,
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const prefix = codeServerPrefix();
  const entry = path.join(prefix, "node_modules", "code-server", "out", "node", "entry.js");
  if (!fs.existsSync(entry)) throw new Error(`code-server is not installed in ${prefix}: run bash scripts/install-code-server.sh`);
  // The extension to load: this package (package.json and dist/).
  const extensionDir = packageRoot();
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8")) as { publisher: string; name: string; version: string; main?: string };
  if (manifest.main && !fs.existsSync(path.join(extensionDir, manifest.main))) {
    throw new Error(`the extension is not built (${manifest.main} is missing): run npm run build`);
  }

  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tfjs-studio-code-server-"));
  const userData = madeDir(root, "user-data");
  const extensions = madeDir(root, "extensions");
  const isolatedEnv = isolatedEnvIn(root);
  fs.mkdirSync(path.join(userData, "User"));
  const userSettingsFile = path.join(userData, "User", "settings.json");
  fs.writeFileSync(userSettingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  // A fresh extensions folder picks up a linked extension (once it has an extensions.json, new folders are ignored).
  fs.symlinkSync(extensionDir, path.join(extensions, `${manifest.publisher}.${manifest.name}-${manifest.version}`));

  const logFile = path.join(root, "code-server.log");
  const log = fs.openSync(logFile, "w");
  const server = spawn(
    process.execPath,
    [
      entry,
      ...["--user-data-dir", userData, "--extensions-dir", extensions],
      ...["--auth", "none", "--bind-addr", "127.0.0.1:0"],
      ...["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override"],
      options.workspace,
    ],
    // Its own process group: extension hosts outlive a killed server unless the whole group ends.
    { env: { ...process.env, ...options.env, ...isolatedEnv }, detached: true, stdio: ["ignore", log, log] },
  );
  fs.closeSync(log);
  const exited = new Promise<string>((resolve) => {
    server.once("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
    server.once("error", (error) => resolve(`failed to start: ${error.message}`));
  });
  let exitDescription: string | undefined;
  void exited.then((description) => (exitDescription = description));

  // When our process exits without stop() (an exception, a Ctrl+C that ends it), nothing may stay behind.
  const killNow = (): void => {
    if (server.pid !== undefined) signalGroups(processGroups(server.pid), "SIGKILL");
    fs.rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", killNow);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (server.pid !== undefined) await endProcessTree(server.pid, exited);
      process.off("exit", killNow);
      fs.rmSync(root, { recursive: true, force: true });
    })());

  try {
    const deadline = Date.now() + 60_000;
    const logTail = (): string => fs.readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n");
    let baseUrl: string | undefined;
    while (!baseUrl) {
      baseUrl = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(fs.readFileSync(logFile, "utf8"))?.[1];
      if (exitDescription) throw new Error(`code-server stopped while starting (${exitDescription}):\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`code-server did not report its port in time:\n${logTail()}`);
      if (!baseUrl) await sleep(50);
    }
    while (!(await fetch(`${baseUrl}healthz`).then((response) => response.ok, () => false))) {
      if (exitDescription) throw new Error(`code-server stopped while starting (${exitDescription}):\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer ${baseUrl}healthz in time:\n${logTail()}`);
      await sleep(50);
    }
    return {
      url: `${baseUrl}?folder=${encodeURIComponent(path.resolve(options.workspace))}`,
      logFile,
      tempRoot: root,
      isolatedEnv,
      userSettingsFile,
      makeTempDir: (name) => fs.mkdtempSync(path.join(root, `${name}-`)),
      exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Ends a detached process, its group and every descendant, including those in groups of their own (kernels
 * start in their own group): SIGTERM first, SIGKILL to whatever is left after a grace period.
 */
async function endProcessTree(pid: number, exited: Promise<string>, graceMs = 3000): Promise<void> {
  // Collected before the signal: once a parent dies, its children are re-parented and no longer found.
  const groups = processGroups(pid);
  signalGroups(groups, "SIGTERM");
  await Promise.race([exited, sleep(graceMs)]);
  // Grandchildren (extension hosts, kernels) may still be stopping after the server itself exited.
  for (const group of processGroups(pid)) groups.add(group);
  await sleep(200);
  signalGroups(groups, "SIGKILL");
  await exited;
}

/** The process group of `pid` and those of all its descendants. */
function processGroups(pid: number): Set<number> {
  const ours = processGroupOf(process.pid);
  return new Set([pid, ...descendants(pid).map(processGroupOf).filter((group): group is number => group !== undefined && group !== ours)]);
}

function signalGroups(groups: Set<number>, signal: NodeJS.Signals): void {
  for (const group of groups) {
    try {
      process.kill(-group, signal);
    } catch {
      // That group has already ended.
    }
  }
}

/** Processes (pid and command line) whose command line or working directory is inside one of `dirs`. */
export function processesInside(dirs: string[]): string[] {
  const inside = (text: string): boolean => dirs.some((dir) => text === dir || text.includes(`${dir}/`));
  const found: string[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const commandLine = fs.readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ").trim();
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`).replace(/ \(deleted\)$/, "");
      if (inside(commandLine) || inside(cwd)) found.push(`${name} ${commandLine}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ... */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function processGroupOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[2]) : undefined;
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    if (!fields) continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function madeDir(root: string, name: string): string {
  const made = path.join(root, name);
  fs.mkdirSync(made, { recursive: true });
  return made;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
