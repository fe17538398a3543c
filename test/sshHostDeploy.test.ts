// `tfjs-studio deploy ssh` against Debian's real sshd on 127.0.0.1: a small packaged model is deployed (the runtime
// uploaded once, the package 0600 in its own 0700 folder), answers /ping and predictions through a port forwarded
// over SSH, is updated in place by a second deploy, listed as running, refused with a clear error on a port that is
// taken, and deleted: its server stopped (the port no longer answers) and its folder gone.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { freePorts } from "../client/kernelLauncher";
import { PortForwarder } from "../client/remote/portForwarder";
import { connectSsh } from "../client/ssh/sshConnection";
import { resolveDestination } from "../client/ssh/sshDestination";
import type { SshPrompts } from "../client/ssh/sshAuthentication";
import { SshHostProvider, type SshHostDeployRequest } from "../cli/sshHostProvider";
import { DeployError, type CloudEndpoint, type DeployOutcome, type DeployProgress } from "../serving/deploy/deployProvider";
import { invokeEndpoint } from "../serving/invoke/endpointClient";
import { inspectModelDir } from "../serving/package/modelPackage";
import { readPackagedManifest } from "../serving/package/packagedManifest";
import { writeModelPackage } from "../serving/package/writeModelPackage";
import { registerFileSystemIO } from "../tfjs/io/fileSystemIO";
import { runCli } from "./support/cli";
import { startSshd, type Sshd } from "./support/sshd";

const SHAPES = ["circle", "square", "triangle"];
/** The host's known key is written beforehand, so nothing is asked; a question would be a failure. */
const NO_QUESTIONS: SshPrompts = {
  confirmHostKey: () => Promise.reject(new Error("unexpected host key question")),
  secret: () => Promise.resolve(undefined),
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function recorder(): DeployProgress & { lines: string[] } {
  const lines: string[] = [];
  return { lines, report: (step, detail) => void lines.push(detail ? `${step}: ${detail}` : step) };
}

/** Whether a process runs: one that exited and waits to be reaped (no init reaps in some containers) does not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("deploy to an SSH host (a real sshd)", function () {
  this.timeout(300_000);
  let work: string;
  let sshd: Sshd;
  let knownHosts: string;
  let remoteDir: string;
  let destination: string;
  let archive: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let busyPort: number;
  /** "shapes 1": the package's name and version, as the endpoint shows them. */
  let model: string;
  const savedCache = process.env.XDG_CACHE_HOME;

  const sshArgs = () => ["--identity", sshd.userKey, "--known-hosts", knownHosts, "--remote-dir", remoteDir];
  const provider = () => new SshHostProvider({ destination: resolveDestination(destination, { identityFile: sshd.userKey }), prompts: NO_QUESTIONS, knownHostsFile: knownHosts, root: remoteDir });
  const request = (overrides: Partial<SshHostDeployRequest> = {}): SshHostDeployRequest => ({ packagePath: archive, name: "shapes", port, bind: "127.0.0.1", backend: "cpu", ...overrides });
  const serverMeta = (name: string) => JSON.parse(fs.readFileSync(path.join(remoteDir, "endpoints", name, "server.json"), "utf8")) as { pid: number; port: number; bind: string };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-ssh-deploy-"));
    sshd = await startSshd(work);
    knownHosts = path.join(work, "known_hosts");
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    remoteDir = path.join(work, "remote-home", ".tfjs-studio");
    destination = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
    // The runtime archive is cached in the test's folder, for the CLI and this process alike; no agent logs in.
    env = { ...process.env, XDG_CACHE_HOME: path.join(work, "cache"), SSH_AUTH_SOCK: "" };
    process.env.XDG_CACHE_HOME = env.XDG_CACHE_HOME;
    [port, busyPort] = await freePorts(2);

    await tf.setBackend("cpu");
    if (tf.io.getSaveHandlers(`file://${work}`).length === 0) registerFileSystemIO(tf, work);
    const network = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    await network.save(`file://${path.join(work, "shapes")}`);
    network.dispose();
    fs.writeFileSync(path.join(work, "shapes", "labels.json"), JSON.stringify(SHAPES));
    archive = path.join(work, "shapes.tar.gz");
    await writeModelPackage(await inspectModelDir(tf, path.join(work, "shapes"), { scale: 1 / 255 }), archive);
    const manifest = await readPackagedManifest(archive);
    model = `${manifest.name} ${manifest.version}`;
  });

  after(async () => {
    if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCache;
    // Every server this suite started, ended: their pids are in the endpoint folders.
    const endpoints = path.join(remoteDir ?? "", "endpoints");
    for (const name of fs.existsSync(endpoints) ? fs.readdirSync(endpoints) : []) {
      try {
        process.kill(serverMeta(name).pid, "SIGKILL");
      } catch {
        // Gone already, or never started.
      }
    }
    await sshd?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("deploys a package with tfjs-studio deploy ssh: the server answers /ping and predictions through a forwarded port", async () => {
    const result = await runCli(["deploy", "ssh", archive, "--host", destination, "--name", "shapes", "--port", String(port), "--backend", "cpu", ...sshArgs()], { env, killAfterMs: 240_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Uploading model\.tar\.gz: 100%$/m);
    assert.match(result.stderr, /uploading the runtime \S+: 100% of/);
    assert.match(result.stdout, new RegExp(`Endpoint shapes created on ${escape(destination)} \\(${escape(model)} on cpu.*\\), listening on 127\\.0\\.0\\.1:${port} there`));
    assert.match(result.stdout, /Test invocation, \d+ ms:\n\[0\] (circle|square|triangle) 0\.\d{4}/, "the test call returned a prediction with labels");
    assert.ok(result.stdout.includes(`ssh -p ${sshd.port} ${sshd.user}@127.0.0.1 -N -L ${port}:127.0.0.1:${port}`), result.stdout);
    assert.ok(result.stdout.includes(`tfjs-studio delete-endpoint shapes --ssh ${destination}`), result.stdout);

    const folder = path.join(remoteDir, "endpoints", "shapes");
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700, "the endpoint's folder is the owner's only");
    for (const file of ["model.tar.gz", "server.json", "server.log"]) assert.equal(fs.statSync(path.join(folder, file)).mode & 0o777, 0o600, `${file} is the owner's only`);
    assert.deepEqual(fs.readdirSync(folder).sort(), ["model.tar.gz", "server.json", "server.log"], "no partial upload is left");
    assert.equal(serverMeta("shapes").bind, "127.0.0.1");

    // A client of our own through the SSH connection: the server survived the deploy command's end.
    const connection = await connectSsh(resolveDestination(destination, { identityFile: sshd.userKey }), { prompts: NO_QUESTIONS, knownHostsFile: knownHosts });
    const forwarder = new PortForwarder(connection);
    try {
      const local = await forwarder.forward("127.0.0.1", port);
      assert.notEqual(local, port);
      assert.equal((await fetch(`http://127.0.0.1:${local}/ping`)).status, 200);
      const response = await invokeEndpoint({ kind: "local", url: new URL(`http://127.0.0.1:${local}`) }, { json: { instances: [Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => [255]))] } });
      const { predictions, labels } = response.body as { predictions: number[][]; labels: string[] };
      assert.deepEqual(labels, SHAPES);
      assert.equal(predictions.length, 1);
      assert.ok(Math.abs(predictions[0].reduce((sum, value) => sum + value, 0) - 1) < 1e-4, "softmax scores sum to 1");
    } finally {
      forwarder.close();
      connection.close();
    }
  });

  it("deploys again under the same name: the old server is replaced and the runtime is not uploaded again", async () => {
    const before = serverMeta("shapes").pid;
    const progress = recorder();
    const outcome: DeployOutcome = await provider().deploy(request(), progress);
    assert.equal(outcome.action, "updated");
    assert.equal(outcome.endpoint.status, "running");
    assert.equal(outcome.endpoint.address, `127.0.0.1:${port}`);
    const steps = [...new Set(progress.lines.map((line) => line.split(":")[0]))];
    assert.deepEqual(steps, ["Connecting over SSH", "Preparing the host", "Uploading model.tar.gz", "Stopping the previous server", "Starting the server", "Checking /ping", "Testing the endpoint"]);
    assert.ok(!progress.lines.some((line) => /uploading the runtime/.test(line)), progress.lines.join("\n"));
    assert.ok(Array.isArray((outcome.testInvocation?.body as { predictions?: unknown }).predictions));
    const after = serverMeta("shapes").pid;
    assert.notEqual(after, before, "a new server runs");
    assert.ok(!running(before), "the previous server is gone");
  });

  it("lists the host's endpoints with tfjs-studio endpoints --ssh: running, with its address and uptime", async () => {
    const json = await runCli(["endpoints", "--ssh", destination, "--json", ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.equal(json.code, 0, json.stderr);
    const [endpoint, ...others] = JSON.parse(json.stdout) as CloudEndpoint[];
    assert.equal(others.length, 0);
    assert.deepEqual([endpoint.provider, endpoint.name, endpoint.status, endpoint.address, endpoint.location, endpoint.capacity], ["ssh", "shapes", "running", `127.0.0.1:${port}`, destination, model]);
    const text = await runCli(["endpoints", "--ssh", destination, ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.match(text.stdout, new RegExp(`^shapes  running  ${escape(model)}  \\S+  127\\.0\\.0\\.1:${port}, up \\d+ s$`, "m"));
  });

  it("says clearly when the port is taken on the host, with the server's log, and leaves no server running", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(busyPort, "127.0.0.1", resolve));
    try {
      const failure = await provider().deploy(request({ name: "busy", port: busyPort }), recorder()).then(
        () => assert.fail("the deploy succeeded on a taken port"),
        (error: unknown) => error,
      );
      assert.ok(failure instanceof DeployError, String(failure));
      assert.match(failure.message, new RegExp(`port ${busyPort} is already in use on .*: choose another with --port`));
      assert.ok(failure.details.logLines?.some((line) => line.includes("EADDRINUSE")), failure.details.logLines?.join("\n"));
      const listed = await provider().listEndpoints();
      assert.equal(listed.find((endpoint) => endpoint.name === "busy")?.status, "stopped");
    } finally {
      squatter.close();
    }
    const removed = await runCli(["delete-endpoint", "busy", "--ssh", destination, "--yes", ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.equal(removed.code, 0, removed.stderr);
  });

  it("refuses another endpoint on a port one of ours already uses, naming it", async () => {
    await assert.rejects(provider().deploy(request({ name: "other" }), recorder()), (error: Error) => error instanceof DeployError && error.message.includes(`port ${port} on ${destination} is taken by endpoint shapes`));
    assert.ok(!fs.existsSync(path.join(remoteDir, "endpoints", "other")), "nothing was uploaded for it");
  });

  it("says what is wrong before anything runs: a missing option, an unknown host key with no one to say yes, no Node", async () => {
    const usage = await runCli(["deploy", "ssh", archive, "--name", "shapes"], { env });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^tfjs-studio deploy ssh: --host is required\nusage: tfjs-studio deploy ssh MODEL --host DESTINATION --name NAME/);

    const deploy = (...extra: string[]) => runCli(["deploy", "ssh", archive, "--host", destination, "--name", "refused", "--json", ...sshArgs(), ...extra], { env, killAfterMs: 60_000 });
    const unknownHosts = path.join(work, "empty_known_hosts");
    const refused = await deploy("--known-hosts", unknownHosts);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^tfjs-studio deploy: .*: the host key SHA256:\S+ was not trusted, so no connection was made$/m);
    assert.match((JSON.parse(refused.stdout) as { error: string }).error, /was not trusted/, "--json prints the failure for the extension");

    const noNode = await deploy("--node", "/nonexistent/node");
    assert.equal(noNode.code, 1);
    assert.match(noNode.stderr, /has Node that does not run at \/nonexistent\/node; tfjs-studio needs Node 20 or later there/);
    assert.ok(!fs.existsSync(path.join(remoteDir, "endpoints", "refused")), "nothing was uploaded");
  });

  it("deletes an endpoint with tfjs-studio delete-endpoint --ssh: its server stops and its folder goes", async () => {
    const { pid } = serverMeta("shapes");
    assert.ok(await answers(port), "the server answers before the delete");
    const result = await runCli(["delete-endpoint", "shapes", "--ssh", destination, "--yes", ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Stopped endpoint shapes on .* and removed its folder/);
    assert.ok(!running(pid), "the server process is gone");
    assert.equal(await answers(port), false, "the port no longer answers");
    assert.ok(!fs.existsSync(path.join(remoteDir, "endpoints", "shapes")));
    const listed = await runCli(["endpoints", "--ssh", destination, ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.match(listed.stdout, /^No endpoints on /);
    const again = await runCli(["delete-endpoint", "shapes", "--ssh", destination, "--yes", ...sshArgs()], { env, killAfterMs: 60_000 });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no endpoint shapes on .*; list them with tfjs-studio endpoints --ssh/);
  });
});
