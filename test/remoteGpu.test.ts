// The GPU offer of `tfjs-studio connect`, against Debian's real sshd whose sessions have a fake nvidia-smi (an
// "NVIDIA Fake GPU") and a fake npm first on their PATH (sshd_config SetEnv): the probe sees the GPU, the offer shows
// the CUDA situation the kernel's own diagnosis finds on the host (here: the CUDA 11.2 libraries missing), "no" and
// --no-gpu-offer connect on wasm, a failing install says why with npm's last lines and still connects, and an install
// that succeeds is found by the kernels started afterwards (the fake package then fails to load, as their
// kernel_info says).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { KernelClient } from "../client/kernelClient";
import { RemoteHost } from "../client/remote/remoteHost";
import { connectSsh } from "../client/ssh/sshConnection";
import { readConnectionFile } from "../protocol/connectionFile";
import { packageRoot } from "../protocol/packageRoot";
import { runCli } from "./support/cli";
import { ConnectTestHost, runCells } from "./support/connectProcess";
import { fakeGpuHost, type FakeGpuHost } from "./support/fakeGpuHost";

const TFJS_VERSION = (JSON.parse(fs.readFileSync(path.join(packageRoot(), "node_modules", "@tensorflow", "tfjs", "package.json"), "utf8")) as { version: string }).version;
const TF_BACKEND_CELL = 'import * as tf from "@tensorflow/tfjs";\ntf.getBackend()';

describe("tfjs-studio connect: the GPU offer on a host with an NVIDIA GPU", function () {
  this.timeout(240_000);
  let host: ConnectTestHost;
  let fake: FakeGpuHost;
  const nativeDir = () => path.join(host.remoteDir, "native", TFJS_VERSION);

  before(async () => {
    host = await ConnectTestHost.start("tfjs-studio-remote-gpu-", (work) => {
      fake = fakeGpuHost(path.join(work, "fake-bin"));
      return { setEnv: { PATH: fake.path } };
    });
  });

  afterEach(() => host.endConnects());

  after(() => host?.stop());

  it("the host's one probe command reports its GPU with the driver version, and npm", async () => {
    const connection = await connectSsh(
      { label: `127.0.0.1:${host.sshd.port}`, host: "127.0.0.1", port: host.sshd.port, user: host.sshd.user, identityFiles: [host.sshd.userKey] },
      { prompts: { confirmHostKey: () => Promise.resolve(false), secret: () => Promise.resolve(undefined) }, knownHostsFile: host.knownHosts },
    );
    try {
      const remote = await RemoteHost.open(connection, { root: host.remoteDir });
      remote.close();
      assert.deepEqual(remote.gpus, [{ name: "NVIDIA Fake GPU 80GB", driverVersion: "535.54.03" }]);
      assert.equal(remote.npm, path.join(fake.bin, "npm"));
      assert.equal(remote.node, process.execPath);
    } finally {
      connection.close();
    }
  });

  it("offers tfjs-node-gpu with the host's CUDA situation; answered no, it connects and cells run on wasm", async () => {
    const connectionFile = path.join(host.work, "declined.json");
    const connection = host.connect("--connection-file", connectionFile);
    await connection.waitFor(/\(yes\/no\)\? $/);
    assert.match(connection.stderr, /NVIDIA Fake GPU 80GB \(driver 535\.54\.03\) found on \S+, and @tensorflow\/tfjs-node-gpu is not installed there/);
    assert.match(connection.stderr, /needs an NVIDIA driver and CUDA 11\.2 and cuDNN 8\.1 .*: missing libcudart\.so\.11\.0, .*libcudnn\.so\.8\./, "the kernel's diagnosis, made on the host");
    assert.match(connection.stderr, new RegExp(`Install @tensorflow/tfjs-node-gpu@${TFJS_VERSION.replace(/\./g, "\\.")} on \\S+, into ${nativeDir()} \\(yes/no\\)\\? $`));
    connection.child.stdin!.write("no\n");
    await connection.waitFor(/not installed; --install-gpu installs it on a later connect/);
    await connection.waitFor(/jupyter console --existing /);
    assert.equal(fake.npmCalls(), "", "nothing installed");
    const [backend] = await runCells(connectionFile, TF_BACKEND_CELL);
    assert.deepEqual([backend.status, backend.result], ["ok", "'wasm'"]);

    const skipped = host.connect("--connection-file", path.join(host.work, "skipped.json"), "--no-gpu-offer");
    await skipped.waitFor(/jupyter console --existing /);
    assert.doesNotMatch(skipped.stderr, /NVIDIA|tfjs-node-gpu|yes\/no/, "--no-gpu-offer: no offer");
  });

  it("an install that fails says why, with npm's last lines and the download it needs, and the kernel still runs on wasm", async () => {
    fake.npmMode("fail");
    const connectionFile = path.join(host.work, "failed.json");
    const connection = host.connect("--connection-file", connectionFile, "--install-gpu");
    await connection.waitFor(/jupyter console --existing /);
    assert.doesNotMatch(connection.stderr, /yes\/no/, "--install-gpu does not ask");
    assert.match(connection.stderr, /npm: \* Downloading libtensorflow\n/, "npm's output streams as progress");
    const spec = `@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`.replace(/\./g, "\\.");
    assert.match(connection.stderr, new RegExp(`installing ${spec} on \\S+ failed \\(npm exited with 1\\)\\. @tensorflow/tfjs-node-gpu's install downloads libtensorflow from Google's storage \\(storage\\.googleapis\\.com\\): a host that cannot reach it cannot install it this way\\. To retry, connect again, or run there: npm install --prefix ${nativeDir()} ${spec}\n`));
    assert.match(connection.stderr, /npm's last lines:\n(.*\n)*npm ERR! Error: getaddrinfo ENOTFOUND storage\.googleapis\.com\nnpm ERR! A complete log of this run can be found in: \/tmp\/fake-npm-debug\.log\n/);
    assert.match(connection.stderr, /The kernel starts without it, on the best backend the host has\./);
    const [backend] = await runCells(connectionFile, TF_BACKEND_CELL);
    assert.deepEqual([backend.status, backend.result], ["ok", "'wasm'"]);
  });

  it("an install that succeeds goes to the host's native folder, where kernels started afterwards find it, and no offer follows", async () => {
    fake.npmMode("succeed");
    const connectionFile = path.join(host.work, "installed.json");
    const connection = host.connect("--connection-file", connectionFile, "--install-gpu");
    await connection.waitFor(/jupyter console --existing /);
    const spec = `@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`;
    assert.equal(fake.npmCalls(), `install --prefix ${nativeDir()} --no-audit --no-fund --foreground-scripts ${spec}\n`);
    assert.match(connection.stderr, /npm: added 1 package in 1s\n/);
    assert.ok(connection.stderr.includes(`installed ${spec} in ${nativeDir()} on `), connection.stderr);

    const [backend] = await runCells(connectionFile, TF_BACKEND_CELL);
    assert.deepEqual([backend.status, backend.result], ["ok", "'wasm'"], "the fake package cannot load: the kernel goes on to wasm");
    const client = await KernelClient.connect(readConnectionFile(connectionFile));
    try {
      const reply = await client.request("shell", "kernel_info_request", {});
      const { tfjs } = reply.content as { tfjs: { backend: string; skipped: { backend: string; reason: string }[] } };
      assert.equal(tfjs.backend, "wasm");
      const gpu = tfjs.skipped.find((skipped) => skipped.backend === "gpu");
      const packageDir = path.join(nativeDir(), "node_modules", "@tensorflow", "tfjs-node-gpu");
      assert.ok(gpu?.reason.startsWith(`@tensorflow/tfjs-node-gpu ${TFJS_VERSION} is installed (${packageDir}) but does not load: fake tfjs-node-gpu: libtensorflow.so.2`), gpu?.reason);
    } finally {
      client.close();
    }

    const again = host.connect("--connection-file", path.join(host.work, "again.json"));
    again.child.stdin!.end();
    await again.waitFor(/jupyter console --existing /);
    assert.doesNotMatch(again.stderr, /NVIDIA|yes\/no/, "installed: nothing to offer");
  });

  it("refuses --install-gpu with --no-gpu-offer, and either with a command that starts no kernel", async () => {
    const both = await runCli(["connect", host.destination, "--install-gpu", "--no-gpu-offer"], { env: host.env });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of --install-gpu and --no-gpu-offer/);
    const listing = await runCli(["connect", host.destination, "--install-gpu", "--list"], { env: host.env });
    assert.equal(listing.code, 2);
    assert.match(listing.stderr, /--install-gpu is about a new kernel's host: it does not go with --list/);
  });
});
