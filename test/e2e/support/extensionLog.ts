// The extension's "TF.js Studio" log channel as VS Code writes it to disk (user-data/logs/…/exthost/…), for failure
// reports: CI keeps only what the suite prints.
import * as fs from "node:fs";
import * as path from "node:path";

const CHANNEL_FILE = /^(\d+-)?TF\.js Studio\.log$/;

/** The last `lines` lines of the newest log file of the channel under `root`, or undefined when there is none. */
export function extensionLogTail(root: string, lines: number): string[] | undefined {
  const files = fs.existsSync(root) ? (fs.readdirSync(root, { recursive: true }) as string[]).filter((file) => CHANNEL_FILE.test(path.basename(file))) : [];
  const newest = files.map((file) => path.join(root, file)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!newest) return undefined;
  return fs.readFileSync(newest, "utf8").trimEnd().split("\n").slice(-lines);
}
