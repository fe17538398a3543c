import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { crc32, inflateSync } from "node:zlib";
import { installKernel } from "../cli/installKernel";
import { packageRoot } from "../protocol/packageRoot";

/** Runs the command with its output captured, and the environment changed for the call only. */
async function install(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = { stdout: "", stderr: "" };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const savedEnv = { ...process.env };
  Object.assign(process.env, env);
  for (const stream of ["stdout", "stderr"] as const) {
    process[stream].write = ((chunk: string | Uint8Array) => {
      captured[stream] += chunk.toString();
      return true;
    });
  }
  try {
    return { code: await installKernel(args), ...captured };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    for (const key of Object.keys(env)) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  }
}

/** Checks the PNG chunk by chunk (CRCs, IHDR, IDAT size) and returns its width and height. */
function checkPng(file: string): { width: number; height: number } {
  const png = fs.readFileSync(file);
  assert.deepEqual(png.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "PNG signature");
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    assert.equal(png.readUInt32BE(offset + 8 + length), crc32(typeAndData), "chunk CRC");
    chunks.push({ type: typeAndData.subarray(0, 4).toString("ascii"), data: typeAndData.subarray(4) });
    offset += 12 + length;
  }
  assert.deepEqual(chunks.map((chunk) => chunk.type), ["IHDR", "IDAT", "IEND"]);
  const header = chunks[0].data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  assert.deepEqual([...header.subarray(8)], [8, 6, 0, 0, 0], "8-bit RGBA, not interlaced");
  assert.equal(inflateSync(chunks[1].data).length, (width * 4 + 1) * height, "one filter byte and RGBA pixels per row");
  return { width, height };
}

describe("tfjs-studio install-kernel", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-install-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes kernel.json and valid logos under --prefix", async () => {
    const { code, stdout } = await install(["--prefix", dir]);

    assert.equal(code, 0);
    const specDir = path.join(dir, "share", "jupyter", "kernels", "tfjs-studio");
    assert.equal(stdout, `Installed kernelspec tfjs-studio in ${specDir}\n`);
    const spec = JSON.parse(fs.readFileSync(path.join(specDir, "kernel.json"), "utf8"));
    assert.deepEqual(spec, {
      argv: [process.execPath, path.join(packageRoot(), "bin", "tfjs-studio"), "kernel", "--connection-file", "{connection_file}"],
      display_name: "TypeScript (TF.js Studio)",
      language: "typescript",
      interrupt_mode: "message",
      metadata: { debugger: false },
    });
    assert.ok(spec.argv.slice(0, 2).every((part: string) => path.isAbsolute(part)));
    assert.deepEqual(checkPng(path.join(specDir, "logo-32x32.png")), { width: 32, height: 32 });
    assert.deepEqual(checkPng(path.join(specDir, "logo-64x64.png")), { width: 64, height: 64 });
    assert.match(fs.readFileSync(path.join(specDir, "logo-svg.svg"), "utf8"), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it("is listed by Jupyter's kernelspec list", async function () {
    this.timeout(60_000);
    assert.equal((await install([`--prefix=${dir}`, "--name", "tfjs-test"])).code, 0);
    // Debian ships no `jupyter kernelspec` command; this module is the app that command runs.
    const listing = execFileSync("/usr/bin/python3", ["-m", "jupyter_client.kernelspecapp", "list", "--json"], {
      env: { ...process.env, JUPYTER_PATH: path.join(dir, "share", "jupyter"), PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      encoding: "utf8",
    });
    const { kernelspecs } = JSON.parse(listing);
    assert.equal(kernelspecs["tfjs-test"].resource_dir, path.join(dir, "share", "jupyter", "kernels", "tfjs-test"));
    assert.equal(kernelspecs["tfjs-test"].spec.display_name, "TypeScript (TF.js Studio)");
  });

  it("installs in the Jupyter data directory by default", async () => {
    const { code } = await install([], { JUPYTER_DATA_DIR: dir });
    assert.equal(code, 0);
    assert.ok(fs.existsSync(path.join(dir, "kernels", "tfjs-studio", "kernel.json")));
  });

  it("replaces an earlier install, leaving no stale files", async () => {
    const specDir = path.join(dir, "share", "jupyter", "kernels", "tfjs-studio");
    fs.mkdirSync(specDir, { recursive: true });
    fs.writeFileSync(path.join(specDir, "stale.txt"), "old");
    assert.equal((await install(["--prefix", dir])).code, 0);
    assert.deepEqual(fs.readdirSync(specDir).sort(), ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]);
  });

  it("asks $JUPYTER_PYTHON for sys.prefix with --sys-prefix", async () => {
    const fakePython = path.join(dir, "fake-python");
    const prefix = path.join(dir, "venv");
    fs.writeFileSync(fakePython, `#!/bin/sh\necho "${prefix}"\n`, { mode: 0o755 });
    const { code } = await install(["--sys-prefix"], { JUPYTER_PYTHON: fakePython });
    assert.equal(code, 0);
    assert.ok(fs.existsSync(path.join(prefix, "share", "jupyter", "kernels", "tfjs-studio", "kernel.json")));
  });

  it("fails clearly with --sys-prefix when Python cannot be run", async () => {
    const { code, stderr } = await install(["--sys-prefix"], { JUPYTER_PYTHON: path.join(dir, "no-such-python") });
    assert.equal(code, 1);
    assert.match(stderr, /--sys-prefix needs Python .*no-such-python cannot be run/);
  });

  it("exits 2 with the usage on bad arguments", async () => {
    for (const args of [["--prefix"], ["--user", "--prefix", dir], ["--name", "bad name"], ["--global"]]) {
      const { code, stderr } = await install(args);
      assert.equal(code, 2, `args: ${args.join(" ")}`);
      assert.match(stderr, /usage: tfjs-studio install-kernel/);
    }
  });
});
