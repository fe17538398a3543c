// TypeScript cells in a real kernel: type checking, redeclaration, imports, top-level await, and tsconfig.json.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { StudioKernel, assertOk, ofType, resultText, startStudioKernel, streamText, value, runFailing, tracebackText } from "./support/studioKernel";

describe("tfjs-studio kernel: TypeScript cells", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  function writeFiles(dir: string, files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  }

  before(async () => {
    kernel = await startStudioKernel({
      prepare: (dir) =>
        writeFiles(dir, {
          "node_modules/esm-only-pkg/package.json": JSON.stringify({
            name: "esm-only-pkg",
            version: "1.0.0",
            type: "module",
            exports: { ".": { import: "./index.js", types: "./index.d.ts" } },
          }),
          "node_modules/esm-only-pkg/index.js": `const base = await Promise.resolve(7);\nexport const answer = base * 6;\nexport function shout(text) { return text.toUpperCase() + "!"; }\n`,
          "node_modules/esm-only-pkg/index.d.ts": `export declare const answer: number;\nexport declare function shout(text: string): string;\n`,
          "node_modules/cjs-calc/package.json": JSON.stringify({ name: "cjs-calc", version: "1.0.0", main: "index.js" }),
          "node_modules/cjs-calc/index.js": `module.exports = { add(a, b) { return a + b; }, label: "calc" };\n`,
          "node_modules/cjs-calc/index.d.ts": `declare namespace calc {\n  function add(a: number, b: number): number;\n  const label: string;\n}\nexport = calc;\n`,
          "data.json": JSON.stringify({ name: "mnist", items: [1, 2, 3] }),
          "util.ts": `export function double(n: number): number {\n  return n * 2;\n}\nexport const UTIL_NAME: string = "util";\n`,
        }),
    });
    assertOk(await kernel.run(`"warm"`));
  });
  after(async () => {
    await kernel?.stop();
  });

  it("reports a type error with its TS code, message, line and column, and does not run the cell", async () => {
    const code = `(globalThis as any).typeErrorSideEffect = "ran";\nconsole.log("should not print");\nconst wrong: number = "text";`;
    const result = await runFailing(kernel, code);
    const reply = result.reply.content;
    assert.equal(reply.status, "error");
    assert.equal(reply.ename, "TypeScriptError");
    assert.match(String(reply.evalue), /TS2322/);
    assert.match(String(reply.evalue), /Type 'string' is not assignable to type 'number'/);
    assert.match(String(reply.evalue), /line 3, column 7/);
    const traceback = tracebackText(reply);
    assert.ok(traceback.includes("TS2322"), traceback);
    assert.ok(traceback.includes(`const wrong: number = "text";`), traceback);
    assert.equal(ofType(result, "error")[0]?.content.ename, "TypeScriptError");
    assert.equal(streamText(result), "");
    assert.equal(await value(kernel, `typeof (globalThis as any).typeErrorSideEffect`), "'undefined'");
  });

  it("lists each type error's line, column (UTF-16) and length in `diagnostics`, for editors to mark", async () => {
    const lines = [`const ok = 1;`, `const party = "🎉"; const wrong: number = "text";`, `ok.toFixed(1).nope;`];
    const result = await runFailing(kernel, lines.join("\n"));
    const expected = [
      { line: 2, column: lines[1].indexOf("wrong") + 1, length: "wrong".length, code: 2322, category: "error" },
      { line: 3, column: lines[2].indexOf("nope") + 1, length: "nope".length, code: 2339, category: "error" },
    ];
    for (const content of [result.reply.content, ofType(result, "error")[0]?.content]) {
      const diagnostics = content?.diagnostics as { message: string }[];
      assert.deepEqual(diagnostics.map(({ message: _message, ...where }) => where), expected);
      assert.match(diagnostics[0].message, /Type 'string' is not assignable to type 'number'/);
      assert.match(diagnostics[1].message, /Property 'nope' does not exist on type 'string'/);
    }
    assert.equal((await runFailing(kernel, `throw new Error("runtime")`)).reply.content.diagnostics, undefined);
  });

  it("gives every type error its message on a line of its own, above a location line VS Code links to the cell", async () => {
    const result = await runFailing(kernel, `foo + bar;\nconsole.log(baz);`);
    const lines = tracebackText(result.reply.content).split("\n");
    for (const [name, line, column] of [["foo", 1, 1], ["bar", 1, 7], ["baz", 2, 13]] as const) {
      const message = lines.indexOf(`error TS2304: Cannot find name '${name}'.`);
      assert.ok(message >= 0, `no message for ${name}:\n${lines.join("\n")}`);
      // VS Code's error renderer keeps "Cell In[N], line L" as a link and drops the rest of that line.
      assert.match(lines[message + 1], new RegExp(`^Cell In\\[\\d+\\], line ${line}, column ${column}$`));
    }
  });

  it("lets later cells redeclare let, const, function and class with a new type", async () => {
    assertOk(await kernel.run(`let redeclaredLet = 1;\nconst redeclaredConst = 1;\nfunction redeclaredFn(): number { return 1; }\nclass RedeclaredClass { size = 1; }`));
    assert.equal(await value(kernel, `redeclaredConst + redeclaredLet + redeclaredFn() + new RedeclaredClass().size`), "4");
    assert.equal(await value(kernel, `let redeclaredLet = "four";\nredeclaredLet.length`), "4");
    assert.equal(await value(kernel, `const redeclaredConst = "s";\nredeclaredConst.length`), "1");
    assert.equal(await value(kernel, `function redeclaredFn(): string { return "two"; }\nredeclaredFn().length`), "3");
    assert.equal(await value(kernel, `class RedeclaredClass { label = "circle"; }\nnew RedeclaredClass().label.length`), "6");
    // The old types are gone: using them is now a type error.
    const stale = await runFailing(kernel, `new RedeclaredClass().size`);
    assert.equal(stale.reply.content.ename, "TypeScriptError");
    assert.match(String(stale.reply.content.evalue), /TS2339/);
  });

  it("lets a function from an earlier cell see a variable reassigned in a later cell", async () => {
    assertOk(await kernel.run(`let rate = 10;\nfunction scaled(n: number): number { return n * rate; }`));
    assertOk(await kernel.run(`rate = 3;`));
    assert.equal(await value(kernel, `scaled(2)`), "6");
    assertOk(await kernel.run(`let rate = 5;`));
    assert.equal(await value(kernel, `scaled(2)`), "10");
  });

  it("supports top-level await", async () => {
    assert.equal(await value(kernel, `const awaited = await new Promise<number>((resolve) => setTimeout(() => resolve(21), 50));\nawaited * 2`), "42");
    assert.equal(await value(kernel, `awaited`), "21");
  });

  it("imports a Node built-in in one cell and uses it in the next", async () => {
    assertOk(await kernel.run(`import * as fs from "fs";`));
    assert.equal(await value(kernel, `fs.existsSync("util.ts")`), "true");
    const typed = await runFailing(kernel, `fs.existsSync(42)`);
    assert.equal(typed.reply.content.ename, "TypeScriptError");
  });

  it("imports an ESM-only package with top-level await by name, with its types", async () => {
    assert.equal(await value(kernel, `import { shout, answer } from "esm-only-pkg";\nshout("hi") + answer`), "'HI!42'");
    const wrong = await runFailing(kernel, `shout(42)`);
    assert.equal(wrong.reply.content.status, "error");
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
  });

  it("imports a CommonJS package with default and named imports, with its types", async () => {
    assert.equal(await value(kernel, `import calc, { add, label } from "cjs-calc";\ncalc.add(1, 2) + add(3, 4) + label`), "'10calc'");
    const wrong = await runFailing(kernel, `add("1", 2)`);
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
  });

  it("imports a JSON file with its types", async () => {
    assert.equal(await value(kernel, `import data from "./data.json";\ndata.name + data.items.length`), "'mnist3'");
    const wrong = await runFailing(kernel, `data.missing`);
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
  });

  it("imports a local .ts file next to the notebook, with its types", async () => {
    assert.equal(await value(kernel, `import { double, UTIL_NAME } from "./util";\ndouble(21) + UTIL_NAME`), "'42util'");
    const wrong = await runFailing(kernel, `double("21")`);
    assert.equal(wrong.reply.content.status, "error");
    assert.equal(wrong.reply.content.ename, "TypeScriptError");
    assert.match(String(wrong.reply.content.evalue), /TS2345/);
    assert.equal(await value(kernel, `double(5)`), "10");
  });

  it("checks cells strictly when the notebook folder has no tsconfig.json", async () => {
    const result = await runFailing(kernel, `let maybeNull: number = null;`);
    assert.equal(result.reply.content.ename, "TypeScriptError");
    assert.match(String(result.reply.content.evalue), /TS2322/);
  });
});

describe("tfjs-studio kernel: tsconfig.json in the notebook folder", function () {
  this.timeout(30_000);
  let kernel: StudioKernel;

  before(async () => {
    kernel = await startStudioKernel({
      prepare: (dir) => fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: false } })),
    });
  });
  after(async () => {
    await kernel?.stop();
  });

  it("applies its compiler options: strict false accepts null for number", async () => {
    const result = await kernel.run(`let maybeNull: number = null;\nmaybeNull`);
    assertOk(result);
    assert.equal(resultText(result), "null");
  });
});
