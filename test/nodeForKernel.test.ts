import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NoUsableNodeError, findKernelNode } from "../extension/nodeForKernel";
import { kernelArgv, launchKernel } from "../client/kernelLauncher";
import { tempDir } from "./support/studioKernel";

// Fake runtimes are shell scripts; `exec` keeps a hung one a single process, so the timeout's kill closes its pipes.
function fakeExecutable(dir: string, name: string, body: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  fs.chmodSync(file, mode);
  return file;
}

/** A `node` in a folder of its own, to put on PATH. */
function fakeNode(root: string, folder: string, version: string, mode = 0o755): string {
  return fakeExecutable(path.join(root, folder), "node", `echo ${version}`, mode);
}

/** Like VS Code's Electron: a Node only with ELECTRON_RUN_AS_NODE=1. */
function fakeElectron(root: string): string {
  return fakeExecutable(root, "code", 'if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then echo v20.18.1; else echo "cannot open a window" >&2; exit 1; fi');
}

describe("findKernelNode", function () {
  this.timeout(60_000);
  let root: string;
  const missingHost = "/nonexistent/extension-host";

  beforeEach(() => {
    root = tempDir("tfjs-noderuntime-");
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("uses tfjsStudio.nodePath when it is a usable Node, ahead of PATH", async () => {
    const configured = fakeNode(root, "configured", "v20.11.1");
    fakeNode(root, "onpath", "v22.1.0");
    const found = await findKernelNode({ configuredPath: configured, env: { PATH: path.join(root, "onpath") }, hostExecPath: missingHost, hostIsElectron: false });
    assert.deepEqual([found.source, found.command, found.version, found.env, found.rejected], ["setting", configured, "20.11.1", {}, []]);
    assert.match(found.reason, /tfjsStudio\.nodePath/);
  });

  for (const [problem, make] of [
    ["not executable", (dir: string) => fakeNode(dir, "configured", "v20.11.1", 0o644)],
    ["not found", (dir: string) => path.join(dir, "missing", "node")],
    ["Node 18.19.0 is older than 20", (dir: string) => fakeNode(dir, "configured", "v18.19.0")],
  ] as const) {
    it(`reports a tfjsStudio.nodePath rejected as "${problem}" and goes on to PATH`, async () => {
      const configured = make(root);
      const onPath = fakeNode(root, "onpath", "v20.11.1");
      const found = await findKernelNode({ configuredPath: configured, env: { PATH: path.join(root, "onpath") }, hostExecPath: missingHost, hostIsElectron: false });
      assert.deepEqual([found.source, found.command, found.version], ["path", onPath, "20.11.1"]);
      assert.deepEqual(found.rejected, [{ source: "setting", command: configured, reason: problem }]);
    });
  }

  it("passes over a node on PATH older than 20, saying so, for a later one", async () => {
    const old = fakeNode(root, "old", "v18.19.0");
    const current = fakeNode(root, "current", "v20.11.1");
    const found = await findKernelNode({ env: { PATH: [path.join(root, "old"), "", "relative", path.join(root, "current")].join(path.delimiter) }, hostExecPath: missingHost, hostIsElectron: false });
    assert.deepEqual([found.source, found.command], ["path", current]);
    assert.deepEqual(found.rejected, [{ source: "path", command: old, reason: "Node 18.19.0 is older than 20" }]);
  });

  it("falls back to the Electron extension host run with ELECTRON_RUN_AS_NODE=1", async () => {
    const old = fakeNode(root, "old", "v18.19.0");
    const host = fakeElectron(root);
    const found = await findKernelNode({ env: { PATH: path.join(root, "old") }, hostExecPath: host, hostIsElectron: true });
    assert.deepEqual([found.source, found.command, found.version, found.env], ["extension-host", host, "20.18.1", { ELECTRON_RUN_AS_NODE: "1" }]);
    assert.deepEqual(found.rejected, [{ source: "path", command: old, reason: "Node 18.19.0 is older than 20" }]);
    assert.match(found.reason, /extension host's own runtime.*ELECTRON_RUN_AS_NODE=1/);
  });

  it("throws NoUsableNodeError listing every candidate and why when nothing qualifies", async () => {
    const configured = path.join(root, "missing", "node");
    // An Electron host not known to be one is run without ELECTRON_RUN_AS_NODE, and fails.
    const host = fakeElectron(root);
    const error = await findKernelNode({ configuredPath: configured, env: { PATH: path.join(root, "empty") }, hostExecPath: host, hostIsElectron: false }).then(
      () => assert.fail("a runtime was found"),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof NoUsableNodeError);
    assert.equal(error.rejected.length, 3);
    const lines = error.message.split("\n");
    assert.match(lines[0], /No usable Node\.js \(20 or later\)/);
    assert.equal(lines[1], `  - tfjsStudio.nodePath (${configured}): not found`);
    assert.equal(lines[2], "  - node on PATH: no node executable in any PATH directory");
    assert.equal(lines[3], `  - the extension host's runtime (${host}): exited with code 1 when asked its Node version: cannot open a window`);
    assert.match(lines[4], /set tfjsStudio\.nodePath/);
  });

  it("gives up on a candidate that does not answer in time", async () => {
    const hung = fakeExecutable(path.join(root, "hung"), "node", "exec /bin/sleep 30");
    const started = Date.now();
    const error = await findKernelNode({ env: { PATH: path.dirname(hung) }, hostExecPath: missingHost, hostIsElectron: false, probeTimeoutMs: 300 }).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof NoUsableNodeError);
    assert.deepEqual(error.rejected, [
      { source: "path", command: hung, reason: "gave no Node version within 300 ms" },
      { source: "extension-host", command: missingHost, reason: "not found" },
    ]);
    assert.ok(Date.now() - started < 10_000);
  });

  it("finds the real Node on PATH and runs the kernel with it", async () => {
    const nodeDir = path.dirname(process.execPath);
    const found = await findKernelNode({ env: { PATH: nodeDir }, hostExecPath: missingHost, hostIsElectron: false });
    assert.deepEqual([found.source, found.command, found.version], ["path", path.join(nodeDir, path.basename(process.execPath)), process.versions.node]);
    const kernel = await launchKernel({ argv: kernelArgv(found.command), cwd: root, env: { ...found.env, TFJS_STUDIO_HISTORY: path.join(root, "history.jsonl") } });
    try {
      assert.equal(kernel.argv[0], found.command);
      const reply = await kernel.client.request("shell", "kernel_info_request", {}, { timeoutMs: 10_000 });
      assert.equal(reply.content.implementation, "tfjs-studio");
    } finally {
      await kernel.shutdown();
    }
  });
});
