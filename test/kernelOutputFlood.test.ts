// A cell that prints without end must not fill the kernel's memory: output is bounded, and what could not be
// sent is dropped with a note that says how much.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zmq from "zeromq";
import { OutputCapture } from "../kernel/execution/outputCapture";
import { endpoint } from "../protocol/connectionFile";
import { Signer, decodeMessage } from "../protocol/wire";
import { delay, startStudioKernel, type StudioKernel } from "./support/studioKernel";

function rssMb(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m)![1]) / 1024;
}

describe("output floods", function () {
  this.timeout(120_000);

  describe("in a real kernel", () => {
    let kernel: StudioKernel;
    before(async () => (kernel = await startStudioKernel()));
    after(() => kernel?.stop());

    /** Runs an endless print loop for a while with the client reading, then interrupts it; returns RSS before, during and after. */
    async function flood(code: string, seconds: number): Promise<{ before: number; peak: number; after: number; firstOutput: string }> {
      const pid = kernel.launched.pid!;
      await kernel.run("1 + 1");
      const before = rssMb(pid);
      let peak = before;
      const running = kernel.run(code, { timeoutMs: 60_000 });
      for (let i = 0; i < seconds * 2; i++) {
        await delay(500);
        peak = Math.max(peak, rssMb(pid));
      }
      await kernel.launched.interrupt();
      const result = await running;
      assert.equal(result.reply.content.ename, "Interrupted");
      await delay(1000);
      assert.equal((await kernel.run("1 + 1")).reply.content.status, "ok", "the kernel runs cells after the flood");
      return { before, peak, after: rssMb(pid), firstOutput: result.iopub.filter((message) => message.header.msg_type === "stream").slice(0, 3).map((message) => message.content.text).join("") };
    }

    it("keeps its memory bounded through `while (true) console.log(…)` and after the interrupt", async () => {
      const { before, peak, after, firstOutput } = await flood(`while (true) console.log("x")`, 8);
      // Unbounded, this loop grew the kernel by about 60 MB a second.
      assert.ok(peak - before < 250, `RSS went from ${before.toFixed(0)} to ${peak.toFixed(0)} MB while printing`);
      assert.ok(after - before < 250, `RSS was ${after.toFixed(0)} MB after the interrupt (${before.toFixed(0)} MB before)`);
      assert.ok(firstOutput.startsWith("x\nx\nx\n"), `the output that was sent arrived: ${JSON.stringify(firstOutput.slice(0, 80))}`);
    });

    it("keeps its memory bounded when large writes come faster than they can be sent", async () => {
      // Short: the test's own client keeps every message it receives.
      const { before, peak, after } = await flood(`const chunk = "y".repeat(100_000); while (true) process.stdout.write(chunk)`, 4);
      assert.ok(peak - before < 400, `RSS went from ${before.toFixed(0)} to ${peak.toFixed(0)} MB while printing`);
      assert.ok(after - before < 400, `RSS was ${after.toFixed(0)} MB after the interrupt (${before.toFixed(0)} MB before)`);
    });
    it("keeps its memory bounded through a loop of display updates, and the interrupt still stops it", async () => {
      const { before, peak, after } = await flood(`import { display } from "tfjs-studio";\nconst shown = display.markdown("0");\nlet i = 0;\nwhile (true) shown.update(String(i++))`, 6);
      assert.ok(peak - before < 250, `RSS went from ${before.toFixed(0)} to ${peak.toFixed(0)} MB while updating`);
      assert.ok(after - before < 250, `RSS was ${after.toFixed(0)} MB after the interrupt (${before.toFixed(0)} MB before)`);
    });

    it("loses nothing to a frontend that stops reading for a while: every display and the idle status arrive", async () => {
      // ZeroMQ's publisher dropped what a slow subscriber's queues could not hold, the idle status included, so
      // a frontend that fell behind showed its cell running forever.
      const info = kernel.launched.info;
      const slow = new zmq.Subscriber({ linger: 0, receiveTimeout: 20_000 });
      slow.connect(endpoint(info, info.iopub_port));
      slow.subscribe();
      try {
        await delay(500);
        const count = 5000;
        const running = kernel.run(`import { display } from "tfjs-studio";\nfor (let i = 0; i < ${count}; i++) display.markdown("shown " + i + " " + "-".repeat(2000))`, { timeoutMs: 60_000 });
        await delay(3000);
        const signer = new Signer(info.key, info.signature_scheme);
        const shown: number[] = [];
        for (;;) {
          const frames = await slow.receive().catch(() => assert.fail(`no idle status came within 20 s of the last message; ${shown.length} of ${count} displays arrived`));
          const { message } = decodeMessage(frames, signer);
          const content = message.content as { execution_state?: string; data?: Record<string, string> };
          if (message.header.msg_type === "display_data") shown.push(Number(/^shown (\d+)/.exec(content.data!["text/markdown"])![1]));
          if (message.header.msg_type === "status" && content.execution_state === "idle" && message.parent_header.msg_type === "execute_request") break;
        }
        assert.equal((await running).reply.content.status, "ok");
        assert.deepEqual(shown, Array.from({ length: count }, (_, i) => i), `${shown.length} of ${count} displays arrived`);
      } finally {
        slow.close();
      }
    });

    it("does not let a frontend that never reads again hold another frontend's output for more than a while", async () => {
      const info = kernel.launched.info;
      const stuck = new zmq.Subscriber({ linger: 0 });
      stuck.connect(endpoint(info, info.iopub_port));
      stuck.subscribe();
      try {
        await delay(500);
        const started = Date.now();
        // Enough to fill the stuck subscriber's queues and socket buffers, so that it stalls the output; not so many
        // more that the reading frontend, on a busy machine, falls a queue's length (1,000 messages, as ZeroMQ's
        // high-water marks hold at each end) behind once the output goes out at full speed.
        const count = 3000;
        const result = await kernel.run(`import { display } from "tfjs-studio";\nfor (let i = 0; i < ${count}; i++) display.markdown("shown " + i + " " + "-".repeat(20_000))`, { timeoutMs: 60_000 });
        assert.equal(result.reply.content.status, "ok");
        assert.equal(result.iopub.filter((message) => message.header.msg_type === "display_data").length, count, "the reading frontend got every display");
        assert.ok(Date.now() - started < 40_000, `the cell took ${Date.now() - started} ms`);
        assert.match(kernel.launched.outputTail(), /an IOPub subscriber has taken nothing for 10 s/);
      } finally {
        stuck.close();
      }
    });
  });

  describe("OutputCapture", () => {
    function capture(behind: { sends: number }, clock = { now: 0 }) {
      const sent: { name: string; text: string }[] = [];
      const output = new OutputCapture({ send: (name, text) => sent.push({ name, text }), sendsInFlight: () => behind.sends }, () => clock.now);
      return { output, sent };
    }

    it("holds output while the socket worker is behind, and drops what exceeds the bound with a note of how much", () => {
      const behind = { sends: 1000 };
      const { output, sent } = capture(behind);
      const line = "a".repeat(99) + "\n";
      for (let i = 0; i < 50_000; i++) output.write("stdout", line);
      assert.equal(sent.length, 0, "nothing is sent while the worker is behind");
      behind.sends = 0;
      output.write("stdout", "last\n");
      output.flush();
      const text = sent.map((run) => run.text).join("");
      const kept = text.split(line).length - 1;
      assert.ok(kept > 0 && kept < 50_000, `${kept} of 50,000 lines were kept`);
      const note = sent.find((run) => run.name === "stderr")?.text ?? "";
      const dropped = 50_000 - kept;
      assert.match(note, new RegExp(`${(dropped * 100).toLocaleString("en-US")} characters \\(${dropped.toLocaleString("en-US")} lines\\) were dropped`));
      assert.ok(text.endsWith("last\n"), "output after the note is sent again");
    });

    it("lets a 50 MB printout through whole, and holds a sustained flood to a rate a frontend can show", () => {
      const clock = { now: 0 };
      const { output, sent } = capture({ sends: 0 }, clock);
      const chunk = "c".repeat(1024 * 1024);
      for (let i = 0; i < 50; i++) output.write("stdout", chunk);
      const sentChars = () => sent.reduce((sum, run) => sum + run.text.length, 0);
      assert.equal(sentChars(), 50 * chunk.length, "the printout was sent whole");
      // Ten more seconds of a flood that writes 100 MB a second.
      const floodChunk = "d".repeat(1024 * 1024);
      for (let ms = 0; ms < 10_000; ms += 10) {
        clock.now += 10;
        output.write("stdout", floodChunk);
      }
      const floodSent = sentChars() - 50 * chunk.length;
      assert.ok(floodSent < 200 * 1024 * 1024, `${(floodSent / 2 ** 20).toFixed(0)} MB of a 1000 MB flood were sent in 10 s`);
      assert.ok(floodSent > 50 * 1024 * 1024, `only ${(floodSent / 2 ** 20).toFixed(0)} MB were sent in 10 s`);
      assert.match(sent.at(-1)!.text, /were dropped/);
    });

    it("sends everything held when the kernel forces a flush, however far behind the worker is", () => {
      const { output, sent } = capture({ sends: 1000 });
      for (let i = 0; i < 1000; i++) output.write("stderr", "b".repeat(100));
      output.flush();
      assert.equal(sent.map((run) => run.text).join("").length, 100_000);
    });
  });
});
