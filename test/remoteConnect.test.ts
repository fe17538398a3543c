// `tfjs-studio connect` against Debian's real sshd on 127.0.0.1, with Debian's jupyter_client as the Jupyter client:
// the host is prepared (runtime uploaded once, checksum-verified), the kernel starts detached with its files 0600,
// cells run through the forwarded channels (a training cell with live metrics too), a link cut in the middle of a
// training cell is reconnected by itself with the cell's output whole and the variables intact, the kernels are listed and shut down, and an idle kernel ends by itself.
// The uploaded runtime alone also runs a kernel on WebGPU.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "./support/cli";
import { CONNECTION_FILE_PLACEHOLDER, launchKernel } from "../client/kernelLauncher";
import { RUNTIME_KERNEL } from "../client/remote/kernelRuntime";
import { PROMPTS_AS_LINES, PROMPTS_ENV, parsePromptLine } from "../protocol/promptLine";
import { ConnectProcess, ConnectTestHost, runCells } from "./support/connectProcess";
import { startSshd } from "./support/sshd";

const METRICS_MIME = "application/vnd.tfjs-studio.metrics+json";

describe("tfjs-studio connect (a remote kernel over SSH)", function () {
  this.timeout(240_000);
  let host: ConnectTestHost;

  before(async () => {
    host = await ConnectTestHost.start("tfjs-studio-remote-");
  });

  afterEach(() => host.endConnects());

  after(() => host?.stop());

  it("prepares the host, starts a detached kernel, and jupyter_client runs cells through the written connection file", async () => {
    const connectionFile = path.join(host.work, "remote-kernel.json");
    const connection = host.connect("--connection-file", connectionFile, "--cwd", host.work);
    const [, id] = await connection.waitFor(/kernel (\S+) on .* \(pid \d+\)/);
    await connection.waitFor(/jupyter console --existing /);
    assert.match(connection.stderr, /uploading the runtime \S+: 100% of [\d.]+ MB/);
    assert.doesNotMatch(connection.stderr, /NVIDIA|tfjs-node-gpu|CUDA/, "no nvidia-smi on the host: no GPU offer");

    const kernelDir = path.join(host.remoteDir, "kernels", id);
    for (const file of ["connection.json", "kernel.json", "kernel.log"]) assert.equal(fs.statSync(path.join(kernelDir, file)).mode & 0o777, 0o600, `${file} is the owner's only`);
    const remoteInfo = JSON.parse(fs.readFileSync(path.join(kernelDir, "connection.json"), "utf8")) as Record<string, unknown>;
    const localInfo = JSON.parse(fs.readFileSync(connectionFile, "utf8")) as Record<string, unknown>;
    assert.equal(remoteInfo.ip, "127.0.0.1", "the kernel listens on the host's loopback only");
    assert.equal(localInfo.key, remoteInfo.key);
    assert.notEqual(localInfo.shell_port, remoteInfo.shell_port, "the client uses local forwarded ports");

    const [sum, training] = await runCells(
      connectionFile,
      "const answer = 6 * 7; console.log(process.cwd()); answer",
      [
        'import * as tf from "@tensorflow/tfjs";',
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
        'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
        "await model.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[2], [4], [6], [8]]), { epochs: 3 });",
      ].join("\n"),
    );
    assert.deepEqual([sum.status, sum.result, sum.stdout.trim()], ["ok", "42", host.work], "cells run in the host folder --cwd gave");
    assert.equal(training.status, "ok", training.error);
    assert.ok(training.mimes.includes(METRICS_MIME), `live metrics arrive: ${training.mimes.join(", ")}`);
    const runs = fs.readdirSync(path.join(host.work, "runs"));
    assert.equal(runs.length, 1, "the run log is written on the host, beside the cells");

    // A second connect finds the runtime there and uploads nothing.
    const second = host.connect("--connection-file", path.join(host.work, "second.json"));
    await second.waitFor(/jupyter console --existing /);
    assert.doesNotMatch(second.stderr, /uploading/);
  });


  it("uploads a runtime that runs a kernel on WebGPU by itself: Dawn's Linux binaries, the adapter probe and the backend", async () => {
    const [version] = fs.readdirSync(path.join(host.remoteDir, "runtime"));
    const runtimeDir = path.join(host.remoteDir, "runtime", version);
    assert.deepEqual(fs.readdirSync(path.join(runtimeDir, "node_modules", "webgpu", "dist")).sort(), ["linux-arm64", "linux-x64"], "no macOS or Windows binaries");
    // lavapipe, the software Vulkan driver scripts/install-system-deps.sh installs, stands in for the host's GPU.
    const kernel = await launchKernel({
      argv: [process.execPath, path.join(runtimeDir, RUNTIME_KERNEL), "--connection-file", CONNECTION_FILE_PLACEHOLDER],
      cwd: host.work,
      env: { TFJS_STUDIO_BACKEND: "webgpu", TFJS_STUDIO_WEBGPU_SOFTWARE: "1" },
    });
    try {
      const result = await kernel.client.execute('import * as tf from "@tensorflow/tfjs";\n`${tf.getBackend()}: ${await tf.tensor([1, 2]).square().array()}`', { timeoutMs: 60_000 });
      assert.equal(result.reply.content.status, "ok", String(result.reply.content.evalue));
      const value = result.iopub.find((message) => message.header.msg_type === "execute_result")?.content.data as Record<string, string> | undefined;
      assert.equal(value?.["text/plain"], "'webgpu: 1,4'");
    } finally {
      await kernel.shutdown();
    }
  });
  it("survives the link cut in the middle of a training cell: the kernel runs on, the output arrives whole, the variables stay", async () => {
    const connectionFile = path.join(host.work, "reconnect.json");
    const connection = host.connect("--connection-file", connectionFile);
    await connection.waitFor(/jupyter console --existing /);
    const marker = path.join(host.work, "epoch-5");
    const training = runCells(
      connectionFile,
      [
        'import * as tf from "@tensorflow/tfjs";',
        'import * as fs from "node:fs";',
        "let trained = 0;",
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
        'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
        "await model.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[2], [4], [6], [8]]), { epochs: 30, callbacks: { onEpochEnd: async (epoch) => {",
        "  console.log(`epoch ${epoch}`);",
        "  trained = epoch + 1;",
        `  if (epoch === 5) fs.writeFileSync(${JSON.stringify(marker)}, "");`,
        "  await new Promise((resolve) => setTimeout(resolve, 150));",
        "} } });",
      ].join("\n"),
    );
    // The link drops while the cell runs: the sshd processes serving it are killed, as a dead network would end them.
    while (!fs.existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
    host.sshd.killSessions();
    await connection.waitFor(/the link to .* dropped; reconnecting/);
    await connection.waitFor(/reconnected to .*; kernel \S+ is still there/);
    const [cell] = await training;
    assert.equal(cell.status, "ok", cell.error);
    assert.equal(cell.stdout, Array.from({ length: 30 }, (_, epoch) => `epoch ${epoch}\n`).join(""), "every epoch's line, once, in order");
    assert.ok(cell.mimes.includes(METRICS_MIME), "live metrics arrive");
    const [after] = await runCells(connectionFile, "trained");
    assert.deepEqual([after.status, after.result], ["ok", "30"], "the same kernel, the same variables, through the same connection file");
  });

  it("lists the host's kernels with their state, attaches to one, and shuts one down", async () => {
    const first = host.connect("--connection-file", path.join(host.work, "listed.json"));
    const [, id] = await first.waitFor(/kernel (\S+) on /);
    await first.waitFor(/jupyter console --existing /);
    const listed = await host.cli("--list");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+PID\s+STATE\s+UPTIME\s+FOLDER$/m);
    assert.match(listed.stdout, new RegExp(`^${id}\\s+\\d+\\s+idle\\s+\\d+ s\\s+\\S+`, "m"));

    const attachedFile = path.join(host.work, "attached.json");
    const attached = host.connect("--attach", id, "--connection-file", attachedFile);
    await attached.waitFor(/jupyter console --existing /);
    await runCells(attachedFile, "const marker = 'attached'");
    assert.equal((await runCells(path.join(host.work, "listed.json"), "marker"))[0].result, "'attached'", "both files reach the one kernel");

    const stopped = await host.cli("--shutdown", id);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, new RegExp(`kernel ${id} shut down`));
    const afterwards = await host.cli("--list");
    assert.doesNotMatch(afterwards.stdout, new RegExp(id));
    const missing = await host.cli("--attach", id);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`no running kernel ${id} on .*; list them with --list`));
  });

  it("shuts a kernel down by itself once no client has spoken to it for the idle limit", async () => {
    const connection = host.connect("--connection-file", path.join(host.work, "idle.json"), "--idle-shutdown-s", "3");
    const [, id, pid] = await connection.waitFor(/kernel (\S+) on .* \(pid (\d+)\)/);
    const deadline = Date.now() + 30_000;
    while (isAlive(Number(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(isAlive(Number(pid)), false, "the kernel ended with no client");
    assert.match(fs.readFileSync(path.join(host.remoteDir, "kernels", id, "kernel.log"), "utf8"), /no client for 3 s \(the idle limit\); shutting down/);
  });

  it("puts its questions as prompt lines to a program that runs it (the extension), and takes the answers on stdin", async () => {
    const knownHosts = path.join(host.work, "prompted_known_hosts");
    const env = { ...host.env, [PROMPTS_ENV]: PROMPTS_AS_LINES };
    const listing = new ConnectProcess([host.destination, "--identity", host.sshd.userKey, "--known-hosts", knownHosts, "--remote-dir", host.remoteDir, "--list"], env);
    try {
      const [line] = await listing.waitFor(/^tfjs-studio-prompt: .*$/m);
      const question = parsePromptLine(line);
      assert.equal(question?.kind, "hostKey");
      assert.match(question.kind === "hostKey" ? question.fingerprint : "", /^SHA256:/);
      listing.child.stdin!.write(`${JSON.stringify({ answer: true })}\n`);
      assert.equal(await listing.exited, 0, listing.stderr);
      assert.match(fs.readFileSync(knownHosts, "utf8"), /^\|1\|/, "the trusted key is in known_hosts, hashed");
    } finally {
      listing.child.kill();
    }
  });

  it("says clearly what is wrong: an unknown host key with no one to say yes, a missing Node, a host that does not forward ports", async () => {
    const unknownHosts = path.join(host.work, "empty_known_hosts");
    const refused = await runCli(["connect", host.destination, "--identity", host.sshd.userKey, "--known-hosts", unknownHosts, "--remote-dir", host.remoteDir, "--list"], { env: host.env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /The authenticity of host '\[127\.0\.0\.1\]:\d+' can't be established\.\nED25519 key fingerprint is SHA256:\S+\./);
    assert.match(refused.stderr, /was not trusted, so no connection was made/);
    assert.equal(fs.existsSync(unknownHosts), false);

    const noNode = await host.cli("--node", "/nonexistent/node", "--list");
    assert.equal(noNode.code, 1);
    assert.match(noNode.stderr, /has Node that does not run at \/nonexistent\/node; tfjs-studio needs Node 20 or later there/);
 
    // A host whose sshd does not forward ports: said at once, and the kernel started for nothing is ended.
    const noForwarding = await startSshd(host.work, "no-forwarding", { settings: { AllowTcpForwarding: "no" } });
    try {
      const knownBoth = path.join(host.work, "known_hosts_no_forwarding");
      fs.writeFileSync(knownBoth, `[127.0.0.1]:${noForwarding.port} ${noForwarding.hostPublicKey}\n`);
      const kernelsDir = path.join(host.remoteDir, "kernels");
      const before = new Set(fs.existsSync(kernelsDir) ? fs.readdirSync(kernelsDir) : []);
      const refused = await runCli(["connect", `ssh://${noForwarding.user}@127.0.0.1:${noForwarding.port}`, "--identity", noForwarding.userKey, "--known-hosts", knownBoth, "--remote-dir", host.remoteDir, "--connection-file", path.join(host.work, "never.json")], { env: host.env });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /the SSH server on \S+ does not forward connections to the kernel's ports \(.+\); .*AllowTcpForwarding yes/);
      const started = fs.readdirSync(kernelsDir).filter((id) => !before.has(id));
      assert.equal(started.length, 1, "the kernel was started before forwarding was tried");
      const { pid } = JSON.parse(fs.readFileSync(path.join(kernelsDir, started[0], "kernel.json"), "utf8")) as { pid: number };
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(isAlive(pid), false, "the kernel started for nothing was left running");
    } finally {
      await noForwarding.stop();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
