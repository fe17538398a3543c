// Project templates (templates/<name>/): listing them and copying one into a new project folder. Shared by
// `tfjs-studio new` and the VS Code command, so it knows nothing of either.
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../protocol/packageRoot";

export interface TemplateInfo {
  name: string;
  /** The first sentence of the template's README after its title: the one line that pickers show. */
  description: string;
  /** The template's notebooks, relative to its folder: what to open first. */
  notebooks: string[];
}

export class UnknownTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly available: TemplateInfo[],
  ) {
    super(`unknown template "${template}"; the templates are:\n${formatTemplateList(available)}`);
    this.name = "UnknownTemplateError";
  }
}

export class FilesExistError extends Error {
  constructor(
    readonly dir: string,
    /** Relative to dir. */
    readonly existing: string[],
  ) {
    super(`${dir} already has ${existing.length === 1 ? "this file" : "these files"}, so nothing was written:\n${existing.map((file) => `  ${file}`).join("\n")}`);
    this.name = "FilesExistError";
  }
}

export function templatesDir(): string {
  return path.join(packageRoot(), "templates");
}

export function listTemplates(root = templatesDir()): TemplateInfo[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => fs.statSync(path.join(root, entry.name)).isDirectory() && fs.existsSync(path.join(root, entry.name, "README.md")))
    .map((entry) => {
      const dir = path.join(root, entry.name);
      const notebooks = templateFiles(dir).filter((file) => file.endsWith(".ipynb"));
      return { name: entry.name, description: firstSentence(fs.readFileSync(path.join(dir, "README.md"), "utf8")), notebooks };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function formatTemplateList(templates: TemplateInfo[]): string {
  const width = Math.max(0, ...templates.map((t) => t.name.length));
  return templates.map((t) => `  ${t.name.padEnd(width)}  ${t.description}`).join("\n");
}

/**
 * Copies template `name` into `dir` (created when missing), symlinks replaced by the files they point to.
 * Writes nothing when any of its files already exists in dir. Returns the files written, relative to dir.
 */
export function scaffoldTemplate(name: string, dir: string, root = templatesDir()): string[] {
  const template = listTemplates(root).find((t) => t.name === name);
  if (!template) throw new UnknownTemplateError(name, listTemplates(root));
  const source = path.join(root, name);
  const files = templateFiles(source);
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new Error(`${dir} exists and is not a folder`);
  // lstat, so that even a dangling symlink counts as something in the way.
  const existing = files.filter((file) => fs.lstatSync(path.join(dir, file), { throwIfNoEntry: false }));
  if (existing.length > 0) throw new FilesExistError(dir, existing);
  for (const file of files) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // copyFileSync follows a symlinked source; COPYFILE_EXCL guards against a file that appeared meanwhile.
    fs.copyFileSync(path.join(source, file), target, fs.constants.COPYFILE_EXCL);
  }
  return files;
}

/** Every file under dir, following symlinks, relative to dir with "/" separators, sorted. */
function templateFiles(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix))) {
    const relative = prefix ? `${prefix}/${entry}` : entry;
    if (fs.statSync(path.join(dir, relative)).isDirectory()) files.push(...templateFiles(dir, relative));
    else files.push(relative);
  }
  return files.sort();
}

/** The first sentence of the first paragraph that is not a heading, as plain text on one line. */
function firstSentence(markdown: string): string {
  const paragraph: string[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const text = line.trim();
    if (text.startsWith("#") || text === "") {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(text);
  }
  return paragraph.join(" ").replace(/`/g, "").split(/(?<=[.!?])\s/)[0];
}
