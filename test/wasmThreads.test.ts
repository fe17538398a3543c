// The wasm backend's threads: how many are asked for, the fallback to one with its reason, the threaded backend
// against cpu (the wasm suites again, in a process with TFJS_STUDIO_THREADS=2), and a threaded kernel that is
// interrupted mid-fit and shut down.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
// Registers the wasm flags startWasm reads and sets.
import "@tensorflow/tfjs-backend-wasm";
import { THREADS_ENV, WASM_MAX_THREADS, physicalCores, requestedThreads } from "../tfjs/backends/threadCount";
import { startWasm } from "../tfjs/backends/wasmThreads";
import { assertOk, startStudioKernel, tempDir } from "./support/studioKernel";

describe("wasm threads", function () {
  this.timeout(240_000);

  describe("the count asked for", () => {
    it("is TFJS_STUDIO_THREADS, else the physical cores", () => {
      assert.deepEqual(requestedThreads("3", () => 6), { threads: 3 });
      assert.deepEqual(requestedThreads(" 1 ", () => 6), { threads: 1 });
      assert.deepEqual(requestedThreads(undefined, () => 6), { threads: 6 });
      assert.deepEqual(requestedThreads("", () => 2), { threads: 2 });
    });

    it("falls back to one thread, saying why, for a value that is not a positive whole number", () => {
      for (const bad of ["0", "-2", "1.5", "two"]) {
        assert.deepEqual(requestedThreads(bad, () => 6), { threads: 1, note: `${THREADS_ENV}=${bad} is not a positive whole number` });
      }
    });

    it("is capped at what tfjs-backend-wasm runs, saying so", () => {
      assert.deepEqual(requestedThreads("32", () => 6), { threads: WASM_MAX_THREADS, note: `32 threads asked, tfjs-backend-wasm runs at most ${WASM_MAX_THREADS}` });
    });

    it("counts cores, not hyperthreads, from sysfs or /proc/cpuinfo, and no more than the CPUs the process may use", () => {
      const dir = tempDir("tfjs-cpus-");
      try {
        // 2 packages × 2 cores × 2 hyperthreads, and an offline CPU without topology.
        const root = path.join(dir, "cpu");
        for (let cpu = 0; cpu < 8; cpu++) {
          const topology = path.join(root, `cpu${cpu}`, "topology");
          fs.mkdirSync(topology, { recursive: true });
          fs.writeFileSync(path.join(topology, "physical_package_id"), `${cpu >> 2}\n`);
          fs.writeFileSync(path.join(topology, "core_id"), `${(cpu >> 1) & 1}\n`);
        }
        fs.mkdirSync(path.join(root, "cpu8"));
        assert.equal(physicalCores(root, "/nonexistent", 8), 4);
        assert.equal(physicalCores(root, "/nonexistent", 3), 3);
        const cpuinfo = path.join(dir, "cpuinfo");
        fs.writeFileSync(cpuinfo, [0, 1, 2, 3].map((cpu) => `processor\t: ${cpu}\nphysical id\t: 0\ncore id\t\t: ${cpu >> 1}\n`).join("\n"));
        assert.equal(physicalCores(path.join(dir, "nonexistent"), cpuinfo, 4), 2);
        assert.equal(physicalCores(path.join(dir, "nonexistent"), "/nonexistent", 5), 5);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("falls back to the single-threaded build with the reason where threads cannot start", async () => {
    let started = 0;
    const wasm = { setThreadsCount: () => assert.fail("no threaded start"), getThreadsCount: () => assert.fail("not asked") };
    const result = await startWasm(tf, wasm, "/nonexistent/tfjs-backend-wasm", { threads: 2 }, async () => void started++);
    assert.equal(started, 1);
    assert.deepEqual(result, { threads: 1, note: "threads unavailable: /nonexistent/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js is missing" });
    assert.equal(tf.env().get("WASM_HAS_MULTITHREAD_SUPPORT"), false);
  });

  it("runs the wasm kernel suites on 2 threads, and the process exits by itself with the pool running", async () => {
    // --no-exit: mocha then ends only when nothing keeps the process alive, as a script's end would.
    const mocha = require.resolve("mocha/bin/mocha.js");
    const suites = ["wasmGradients", "fusedLstm", "fusedAdam", "fusedDense", "fusedDropout"].map((name) => path.join(__dirname, `${name}.test.js`));
    // Their notebook-cell tests start kernels, which run the machine's default threads in the main run already.
    const child = spawn(process.execPath, [mocha, "--no-exit", "--no-config", "--timeout", "120000", "--grep", "a notebook cell", "--invert", ...suites], {
      env: { ...process.env, [THREADS_ENV]: "2" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 220_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (...exit) => resolve(exit)));
    clearTimeout(timer);
    assert.equal(signal, null, `the threaded suites did not end by themselves (${signal}):\n${output.slice(-3000)}`);
    assert.equal(code, 0, `the threaded suites failed:\n${output.slice(-3000)}`);
    assert.match(output, /\d+ passing/);
  });

  it("a kernel on 2 threads says so, is interrupted mid-fit, and shuts down cleanly", async () => {
    const kernel = await startStudioKernel({ env: { TFJS_STUDIO_BACKEND: "wasm", [THREADS_ENV]: "2" } });
    let stopped = false;
    try {
      const info = await kernel.client.request("shell", "kernel_info_request", {});
      const facts = (info.content as { tfjs: { threads: number; description: string } }).tfjs;
      assert.equal(facts.threads, 2, facts.description);
      assert.match(facts.description, /^wasm \(SIMD, 2 threads\)$/);
      const data = `const x = tf.randomNormal([4096, 64]);\nconst y = tf.oneHot(tf.randomUniform([4096], 0, 2, "int32") as tf.Tensor1D, 2);`;
      const model = `const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 256, activation: "relu" }), tf.layers.dense({ units: 2, activation: "softmax" })] });\nmodel.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });`;
      assertOk(await kernel.run(`import * as tf from "@tensorflow/tfjs";\n${data}\n${model}\nlet batches = 0;`));
      let interrupted = false;
      const result = await kernel.run(`await model.fit(x, y, { epochs: 1000, batchSize: 32, verbose: 0, callbacks: { onBatchEnd: () => { batches++; } } });`, {
        timeoutMs: 60_000,
        stop_on_error: false,
        onIopub: (message) => {
          if (!interrupted && message.header.msg_type === "update_display_data") {
            interrupted = true;
            void kernel.launched.interrupt();
          }
        },
      });
      assert.ok(interrupted, "training never got going");
      assert.equal(result.reply.content.ename, "Interrupted");
      stopped = true;
      await kernel.stop();
      const exit = await kernel.launched.exited;
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, kernel.launched.outputTail());
      assert.doesNotMatch(kernel.launched.outputTail(), /Aborted|core dumped|worker sent an error/);
    } finally {
      if (!stopped) await kernel.stop();
    }
  });
});
