// A kernel whose frontend dies without shutting it down (VS Code killed, Jupyter crashed) exits by itself.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { KernelClient } from "../client/kernelClient";
import { kernelArgv, writeConnectionFile } from "../client/kernelLauncher";
import type { ConnectionInfo } from "../protocol/connectionFile";
import { tempDir } from "./support/studioKernel";

/** Whether pid runs; a zombie (exited, not yet reaped by init) counts as gone. */
function running(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^State:\s+(\S)/m)?.[1] !== "Z";
  } catch {
    return false;
  }
}

describe("a kernel whose parent dies", function () {
  this.timeout(60_000);
  let dir: string;
  let kernelPid = 0;
  beforeEach(() => (dir = tempDir("orphan-")));
  afterEach(() => {
    if (kernelPid && running(kernelPid)) process.kill(kernelPid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A stand-in frontend: starts the kernel in its own process group, then waits to be killed. declareParent:
   * set JPY_PARENT_PID as Jupyter clients do; otherwise the kernel has only its ppid to go by.
   */
  async function startFrontend(declareParent: boolean): Promise<{ frontend: ChildProcess; info: ConnectionInfo }> {
    const { path: connectionFile, info } = await writeConnectionFile({ runtimeDir: dir });
    const argv = kernelArgv().map((arg) => (arg === "{connection_file}" ? connectionFile : arg));
    const frontend = spawn(process.execPath, ["-e", `
      const { spawn } = require("node:child_process");
      const env = { ...process.env, JPY_PARENT_PID: ${declareParent ? "String(process.pid)" : '""'} };
      const kernel = spawn(${JSON.stringify(argv[0])}, ${JSON.stringify(argv.slice(1))}, { detached: true, stdio: "ignore", cwd: ${JSON.stringify(dir)}, env });
      console.log(kernel.pid);
      setInterval(() => {}, 1000);`], { stdio: ["ignore", "pipe", "inherit"] });
    kernelPid = Number(await new Promise<string>((resolve) => frontend.stdout.once("data", (chunk) => resolve(String(chunk)))));
    return { frontend, info };
  }

  async function assertExitsSoon(pid: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (running(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(running(pid), false, "the orphaned kernel exited");
  }

  it("exits within seconds, and not before", async () => {
    const { frontend, info } = await startFrontend(false);
    const client = await KernelClient.connect(info);
    try {
      await client.waitForReady(30_000);
      assert.ok(running(kernelPid), "the kernel runs while its frontend does");
      frontend.kill("SIGKILL");
      await assertExitsSoon(kernelPid);
    } finally {
      client.close();
      frontend.kill("SIGKILL");
    }
  });

  it("exits within seconds while a cell blocks its main thread", async () => {
    const { frontend, info } = await startFrontend(true);
    const client = await KernelClient.connect(info);
    try {
      await client.waitForReady(30_000);
      const busy = new Promise<void>((resolve) => client.on("iopub", (message) => {
        if (message.header.msg_type === "execute_input") resolve();
      }));
      void client.execute("while (true) {}", { timeoutMs: 60_000 }).catch(() => {});
      await busy;
      // Give the loop time to start: the watch must work from inside it, not before it.
      await new Promise((r) => setTimeout(r, 1000));
      frontend.kill("SIGKILL");
      await assertExitsSoon(kernelPid);
    } finally {
      client.close();
      frontend.kill("SIGKILL");
    }
  });

  it("exits when the frontend that declared itself in JPY_PARENT_PID dies before the kernel has started", async () => {
    const { frontend } = await startFrontend(true);
    frontend.kill("SIGKILL");
    await assertExitsSoon(kernelPid);
  });
});
