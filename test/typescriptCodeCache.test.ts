// V8's code cache of the TypeScript compiler: written once, used by later loads, replaced when the TypeScript
// version changes, and rewritten when V8 rejects it (a corrupt file), without the kernel noticing otherwise.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTypeScriptFrom, typescriptCacheName } from "../kernel/typescript/loadTypeScript";
import { packageRoot } from "../protocol/packageRoot";
import { runFailing, startStudioKernel, tempDir, value } from "./support/studioKernel";

/** One modification time for every copy: the cache's name changes with it. */
const MODIFIED_S = 1_700_000_000;

/** A stand-in for the typescript package: its version, and a function to call. */
function writeFakeTypeScript(dir: string, version: string): void {
  fs.mkdirSync(path.join(dir, "lib"), { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "typescript", version, main: "./lib/typescript.js" }));
  const main = path.join(dir, "lib", "typescript.js");
  fs.writeFileSync(main, `module.exports = { version: ${JSON.stringify(version)}, transpile: (code) => code.replace(/: \\w+/g, ""), file: __filename };\n`);
  fs.utimesSync(main, MODIFIED_S, MODIFIED_S);
}

let copies = 0;

/**
 * Loads a fresh copy of the package, as a new kernel process would. V8 keeps the scripts it compiled by source and
 * file name, and a script found there ignores the cache file: a copy's new name keeps V8 from finding it.
 */
function load(packageDir: string, cacheFolder: string) {
  const copy = `${packageDir}-copy${++copies}`;
  fs.cpSync(packageDir, copy, { recursive: true });
  fs.utimesSync(path.join(copy, "lib", "typescript.js"), MODIFIED_S, MODIFIED_S);
  const { ts, module } = loadTypeScriptFrom(copy, cacheFolder);
  return { ts: ts as unknown as { version: string; transpile(code: string): string; file: string }, module };
}

describe("TypeScript code cache", () => {
  let dir: string;
  let packageDir: string;
  let cacheFolder: string;
  beforeEach(() => {
    dir = tempDir("ts-code-cache-");
    packageDir = path.join(dir, "typescript");
    cacheFolder = path.join(dir, "cache");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is written after the first load and used by the next", () => {
    writeFakeTypeScript(packageDir, "5.0.0");
    const first = load(packageDir, cacheFolder);
    assert.equal(first.module.cacheState, "missing");
    assert.equal(first.ts.transpile("const a: number = 1"), "const a = 1");
    assert.match(first.ts.file, /typescript-copy\d+\/lib\/typescript\.js$/);
    first.module.saveCache();
    assert.deepEqual(fs.readdirSync(cacheFolder), [typescriptCacheName(packageDir)]);

    const second = load(packageDir, cacheFolder);
    assert.equal(second.module.cacheState, "used");
    assert.equal(second.ts.transpile("let b: string"), "let b");
  });

  it("is replaced when the TypeScript version changes", () => {
    writeFakeTypeScript(packageDir, "5.0.0");
    load(packageDir, cacheFolder).module.saveCache();
    const oldName = typescriptCacheName(packageDir);

    writeFakeTypeScript(packageDir, "5.1.0");
    assert.notEqual(typescriptCacheName(packageDir), oldName);
    const upgraded = load(packageDir, cacheFolder);
    assert.equal(upgraded.module.cacheState, "missing");
    assert.equal(upgraded.ts.version, "5.1.0");
    upgraded.module.saveCache();
    // The old version's cache is gone, not left to pile up.
    assert.deepEqual(fs.readdirSync(cacheFolder), [typescriptCacheName(packageDir)]);
    assert.equal(load(packageDir, cacheFolder).module.cacheState, "used");
  });

  for (const [damage, corrupt] of [
    ["garbage", () => Buffer.from("not a code cache".repeat(64))],
    ["a truncated file", (data: Buffer) => data.subarray(0, data.length >> 1)],
  ] as const) {
    it(`is rewritten when V8 rejects it (${damage}), and the compiler still loads`, () => {
      writeFakeTypeScript(packageDir, "5.0.0");
      load(packageDir, cacheFolder).module.saveCache();
      const cacheFile = path.join(cacheFolder, typescriptCacheName(packageDir));
      const damaged = corrupt(fs.readFileSync(cacheFile));
      fs.writeFileSync(cacheFile, damaged);

      const rejected = load(packageDir, cacheFolder);
      assert.equal(rejected.module.cacheState, "rejected");
      assert.equal(rejected.ts.transpile("const c: boolean = true"), "const c = true");
      rejected.module.saveCache();
      assert.notDeepEqual(fs.readFileSync(cacheFile), damaged);
      assert.equal(load(packageDir, cacheFolder).module.cacheState, "used");
    });
  }

  it("does not stop the compiler from loading when the cache folder cannot be written", () => {
    writeFakeTypeScript(packageDir, "5.0.0");
    // A file where the folder should be.
    fs.writeFileSync(cacheFolder, "");
    const loaded = load(packageDir, cacheFolder);
    assert.equal(loaded.module.cacheState, "missing");
    loaded.module.saveCache();
    assert.equal(loaded.ts.version, "5.0.0");
  });

  describe("in a kernel", function () {
    this.timeout(60_000);

    it("checks and runs cells with a corrupt cache, then writes one the next kernel uses", async () => {
      const typescriptDir = path.join(packageRoot(), "node_modules", "typescript");
      const cacheFolder = path.join(dir, "tfjs-studio", "code-cache");
      const cacheFile = path.join(cacheFolder, typescriptCacheName(typescriptDir));
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const garbage = Buffer.from("corrupt".repeat(1000));
      fs.writeFileSync(cacheFile, garbage);
      // Downloads go to $TFJS_STUDIO_CACHE; the code cache stays in the kernel's own folder all the same.
      const kernel = await startStudioKernel({ env: { XDG_CACHE_HOME: dir, TFJS_STUDIO_CACHE: path.join(dir, "downloads") } });
      try {
        assert.equal(await value(kernel, "const n: number = 20;\nn + 1"), "21");
        const failing = await runFailing(kernel, `const s: string = 1;`);
        assert.match(String(failing.reply.content.evalue), /TS2322/);
        // The kernel writes the cache after its warm-up compile.
        const deadline = Date.now() + 30_000;
        while (fs.readFileSync(cacheFile).equals(garbage)) {
          assert.ok(Date.now() < deadline, "the kernel did not rewrite the rejected cache");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await kernel.stop();
      }
      assert.equal(fs.existsSync(path.join(dir, "downloads")), false);
      assert.equal(loadTypeScriptFrom(typescriptDir, cacheFolder).module.cacheState, "used");
    });
  });
});
