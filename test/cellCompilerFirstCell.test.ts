// Cells compiled before the compiler's warm-up are checked against the standard library alone when that is enough;
// what they report and declare must be what the full check gives.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { CellCompiler, type CompileResult } from "../kernel/typescript/cellCompiler";
import { tempDir } from "./support/studioKernel";

function errorCodes(result: CompileResult): number[] {
  return result.ok ? [] : result.diagnostics.map((d) => d.code);
}

describe("CellCompiler before its warm-up", function () {
  this.timeout(60_000);
  let dir: string;
  let compiler: CellCompiler;
  beforeEach(() => {
    dir = tempDir("first-cell-");
    compiler = new CellCompiler(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("compiles a cell that needs only the standard library", () => {
    const result = compiler.compile("[1, 2, 3].map((n) => n * 2).at(-1)");
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.cell.js, /\.map\(/);
  });

  it("reports a type error as the full check does, with its place", () => {
    const result = compiler.compile("const s: string = 1;");
    assert.deepEqual(errorCodes(result), [2322]);
    assert.ok(!result.ok && result.diagnostics[0].line === 1 && result.diagnostics[0].column === 7);
  });

  it("checks a cell that uses Node's globals against them", () => {
    assert.deepEqual(errorCodes(compiler.compile("const v: string = process.version;\nconsole.log(v)")), []);
    assert.deepEqual(errorCodes(compiler.compile("const n: number = process.version;")), [2322]);
  });

  it("checks a cell that adds to the global scope against everything already there", () => {
    // Without @types/node this declaration is fine; with it, `process` already has another type.
    assert.deepEqual(errorCodes(compiler.compile("declare global { var process: number }\nexport {};")), [2403]);
  });

  it("passes a cell's declarations on to cells checked in full after the warm-up", () => {
    const first = compiler.compile("const last = [1, 2].at(-1);");
    assert.ok(first.ok);
    first.cell.commit();
    compiler.warmUp();
    // at() may return undefined: the declared type came through, not `any`.
    assert.deepEqual(errorCodes(compiler.compile("const n: number = last;")), [2322]);
    assert.deepEqual(errorCodes(compiler.compile("const m: number = last ?? 0;\nconsole.log(m)")), []);
  });
});
