// The extension manifest against the code: stable API only, and commands, menus and handlers that match.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

interface Manifest {
  enabledApiProposals?: unknown;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
    notebookRenderer: { entrypoint: string; mimeTypes: string[] }[];
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
  };
}

const root = process.cwd();
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).filter((file) => file.endsWith(".ts")).map((file) => path.join(root, dir, file));
}

/** Command ids passed to registerCommand in extension/, as string literals or as constants defined there. */
function registeredCommands(): string[] {
  const texts = sourceFiles("extension").map((file) => fs.readFileSync(file, "utf8"));
  const constants = new Map<string, string>();
  for (const text of texts) {
    for (const match of text.matchAll(/const\s+(\w+)\s*=\s*["'`](tfjsStudio\.[\w.]+)["'`]/g)) constants.set(match[1], match[2]);
  }
  const ids: string[] = [];
  for (const text of texts) {
    for (const match of text.matchAll(/registerCommand\(\s*(?:["'`]([^"'`]+)["'`]|(\w+))/g)) {
      const id = match[1] ?? constants.get(match[2]);
      assert.ok(id, `registerCommand(${match[2]}: no string constant of that name in extension/`);
      ids.push(id);
    }
  }
  return ids;
}

describe("package.json manifest", () => {
  it("uses no proposed API, and targets VS Code 1.100", () => {
    assert.equal("enabledApiProposals" in manifest, false, "enabledApiProposals must not be set");
    assert.equal(manifest.engines.vscode, "^1.100.0");
  });

  it("has a handler for every contributed command and a contribution for every handler", () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = registeredCommands();
    assert.deepEqual([...new Set(registered)].sort(), contributed);
    assert.equal(new Set(registered).size, registered.length, `a command is registered twice: ${registered.join(", ")}`);
  });

  it("puts every command under the TF.js Studio category", () => {
    for (const command of manifest.contributes.commands) assert.equal(command.category, "TF.js Studio", command.command);
  });

  it("only refers to contributed commands in menus", () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(contributed.has(item.command), `${menu} refers to ${item.command}`);
    }
  });

  it("describes every setting, all under tfjsStudio.*", () => {
    for (const [key, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.match(key, /^tfjsStudio\./);
      assert.ok(setting.description || setting.markdownDescription, `${key} has no description`);
    }
  });

  it("declares every setting the code reads, and reads every setting it declares", () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    const read = new Set<string>();
    for (const file of sourceFiles("extension")) {
      const text = fs.readFileSync(file, "utf8");
      // In files that open the tfjsStudio section: every get/inspect/update of a literal key is a setting.
      if (!/getConfiguration\(\s*["']tfjsStudio["']/.test(text)) continue;
      for (const match of text.matchAll(/\.(?:get|inspect|update)(?:<[^>]*>)?\(\s*["']([\w.]+)["']/g)) read.add(`tfjsStudio.${match[1]}`);
    }
    assert.deepEqual([...read].sort(), declared);
  });

  it("documents every setting in the README's settings table", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.ok(readme.includes(`| \`${key}\` |`), `README.md has no row for ${key}`);
  });

  it("ships the renderer and walkthrough files it names", () => {
    for (const renderer of manifest.contributes.notebookRenderer) {
      assert.ok(fs.existsSync(path.join(root, renderer.entrypoint)), `${renderer.entrypoint} is built`);
      assert.deepEqual(renderer.mimeTypes.sort(), ["application/vnd.tfjs-studio.metrics+json", "application/vnd.tfjs-studio.model+json"]);
    }
    for (const step of manifest.contributes.walkthroughs.flatMap((w) => w.steps)) {
      if (step.media.markdown) assert.ok(fs.existsSync(path.join(root, step.media.markdown)), step.media.markdown);
    }
  });
});
