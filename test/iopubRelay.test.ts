// The local end of a remote kernel's channels (client/remote/iopubRelay.ts, shellRelay.ts), against a real detached
// kernel whose channels go through TCP links the test cuts, as a dropped SSH link does: a cell's output reaches the
// local client whole, in order and once, however the cut falls, and its reply too; when the cut outlasts the
// kernel's journal, the cell says how many messages were lost.
import assert from "node:assert/strict";
import { KernelClient } from "../client/kernelClient";
import type { KernelHandle } from "../client/kernelHandle";
import { kernelArgv, launchKernel } from "../client/kernelLauncher";
import { IopubRelay } from "../client/remote/iopubRelay";
import { ShellRelay } from "../client/remote/shellRelay";
import type { ConnectionInfo } from "../protocol/connectionFile";
import type { JupyterMessage } from "../protocol/messages";
import { tempDir } from "./support/studioKernel";
import { TcpLink } from "./support/tcpLink";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A cell that prints `count` numbered lines, one every `everyMs`. */
const printLines = (count: number, everyMs: number) =>
  `for (let i = 0; i < ${count}; i++) { console.log("line " + i); await new Promise((resolve) => setTimeout(resolve, ${everyMs})); }`;

describe("IOPub relay: a remote kernel's output across a dropped link", function () {
  this.timeout(120_000);
  let kernel: KernelHandle;
  let links: TcpLink[];
  let relay: IopubRelay;
  let shellRelay: ShellRelay | undefined;
  let client: KernelClient;
  const reports: string[] = [];

  before(async () => {
    // Detached (a lease), as on a remote host, with a small journal so that a long cut outlasts it.
    kernel = await launchKernel({ argv: [...kernelArgv(), "--idle-shutdown-s", "120", "--iopub-journal", "40"], cwd: tempDir("relay-") });
    links = [new TcpLink(kernel.info.iopub_port), new TcpLink(kernel.info.control_port), new TcpLink(kernel.info.shell_port), new TcpLink(kernel.info.stdin_port)];
    await Promise.all(links.map((link) => link.listen()));
    const [iopubLink, controlLink, shellLink, stdinLink] = links;
    const tunnel: ConnectionInfo = { ...kernel.info, iopub_port: iopubLink.port, control_port: controlLink.port, shell_port: shellLink.port, stdin_port: stdinLink.port };
    relay = await IopubRelay.start(tunnel, { label: "the test host", report: (text) => reports.push(text), passed: (message) => shellRelay?.iopubPassed(message) });
    shellRelay = await ShellRelay.start(tunnel, { askJournal: (content) => relay.askJournal(content), report: (text) => reports.push(text) });
    // The local client, as a Jupyter client of `tfjs-studio connect` is: everything through the relays.
    client = await KernelClient.connect({ ...kernel.info, iopub_port: relay.port, shell_port: shellRelay.ports.shell, stdin_port: shellRelay.ports.stdin });
    await client.waitForReady();
  });

  after(async () => {
    client?.close();
    relay?.close();
    shellRelay?.close();
    for (const link of links ?? []) link.close();
    if (kernel) {
      kernel.kill();
      await kernel.exited;
    }
  });

  /** Runs a cell, cutting the link once `cutAt` has arrived, for `cutMs`; gives the cell's stream text and msg_ids. */
  async function runWithCut(code: string, cutAt: string, cutMs: number): Promise<{ stdout: string; stderr: string; ids: string[]; status: string }> {
    let stdout = "";
    let stderr = "";
    const ids: string[] = [];
    let cut: Promise<void> | undefined;
    const onIopub = (message: JupyterMessage) => {
      ids.push(message.header.msg_id);
      if (message.header.msg_type !== "stream") return;
      const { name, text } = message.content as { name: string; text: string };
      if (name === "stdout") stdout += text;
      else stderr += text;
      if (!cut && stdout.includes(cutAt)) {
        links.forEach((link) => link.cut());
        cut = sleep(cutMs).then(() => links.forEach((link) => link.restore()));
      }
    };
    const { reply } = await client.execute(code, { onIopub, timeoutMs: 90_000 });
    assert.ok(cut, `the link was cut once "${cutAt}" arrived`);
    await cut;
    return { stdout, stderr, ids, status: (reply.content as { status: string }).status };
  }

  it("passes a running cell's whole output on after the link comes back: nothing missing, nothing doubled", async () => {
    const { stdout, stderr, ids, status } = await runWithCut(printLines(40, 100), "line 5\n", 1500);
    assert.equal(status, "ok");
    assert.equal(stdout, Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join(""));
    assert.equal(stderr, "", "no note: the journal held everything missed");
    assert.equal(new Set(ids).size, ids.length, "no message twice");
  });

  it("passes on a cell's reply that the kernel sent while the link was down, from the kernel's journal: the cell completes", async () => {
    let cut: Promise<void> | undefined;
    const results: unknown[] = [];
    const onIopub = (message: JupyterMessage) => {
      if (message.header.msg_type === "execute_result") results.push((message.content as { data: Record<string, unknown> }).data["text/plain"]);
      if (cut || message.header.msg_type !== "stream") return;
      links.forEach((link) => link.cut());
      cut = sleep(2500).then(() => links.forEach((link) => link.restore()));
    };
    // The reply goes out a second after the cut, while nothing can carry it.
    const { reply } = await client.execute('console.log("started"); await new Promise((resolve) => setTimeout(resolve, 1000)); 6 * 7', { onIopub, timeoutMs: 30_000 });
    assert.ok(cut, "the link was cut while the cell ran");
    assert.equal((reply.content as { status: string }).status, "ok");
    assert.equal(typeof (reply.content as { execution_count?: unknown }).execution_count, "number");
    assert.deepEqual(results, ["42"], "the result once");
    // A reply is passed on once: the next request's reply is its own.
    assert.equal((await client.execute("1 + 1", { timeoutMs: 10_000 })).reply.content.status, "ok");
  });

  it("carries input() through the relays: the prompt reaches the client that ran the cell, and its answer the kernel", async () => {
    const prompts: string[] = [];
    const { iopub } = await client.execute('import { input } from "tfjs-studio";\n(await input("name? ")).toUpperCase()', { onInput: ({ prompt }) => (prompts.push(prompt), "ada"), timeoutMs: 10_000 });
    assert.deepEqual(prompts, ["name? "]);
    assert.deepEqual(iopub.flatMap((message) => (message.header.msg_type === "execute_result" ? [(message.content as { data: Record<string, unknown> }).data["text/plain"]] : [])), ["'ADA'"]);
  });

  it("says how many messages were lost when the cut outlasted the kernel's journal, and goes on after the gap", async () => {
    const { stdout, stderr, ids, status } = await runWithCut(printLines(1000, 5), "line 20\n", 4000);
    assert.equal(status, "ok");
    const [, lost] = /\[tfjs-studio\] (\d+) output messages were lost while the link to the test host was down: the kernel keeps its last 40 \(at most 32 MB\)/.exec(stderr) ?? [];
    assert.ok(Number(lost) > 0, `a note on the lost messages: ${JSON.stringify(stderr)}`);
    const numbers = [...stdout.matchAll(/^line (\d+)$/gm)].map((match) => Number(match[1]));
    assert.deepEqual(numbers.slice(0, 21), Array.from({ length: 21 }, (_, i) => i), "what came before the cut");
    assert.equal(numbers.at(-1), 999, "what came after the cut, to the end");
    assert.ok(numbers.every((number, index) => index === 0 || number > numbers[index - 1]), "in order, none twice");
    assert.ok(numbers.length < 1000, "some lines were lost, as the note says");
    assert.equal(new Set(ids).size, ids.length, "no message twice");
  });
});
