// SSH connections against Debian's real OpenSSH server on 127.0.0.1: host keys checked against known_hosts (an
// unknown one trusted only after the prompt says yes, a changed one refused), keys with and without a passphrase,
// ~/.ssh/config aliases, and ProxyJump through a second sshd.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkHostKey, knownHostName } from "../client/ssh/knownHosts";
import type { SshPrompts } from "../client/ssh/sshAuthentication";
import { connectSsh, type SshConnection } from "../client/ssh/sshConnection";
import { configuredHosts, parseDestination, resolveDestination, type SshDestination } from "../client/ssh/sshDestination";
import { startSshd, type Sshd } from "./support/sshd";
import { TcpLink } from "./support/tcpLink";

interface Asked {
  hostKeys: { host: string; port: number; fingerprint: string }[];
  secrets: string[];
}

function prompts(answers: { trust?: boolean; secret?: string }, asked: Asked): SshPrompts {
  return {
    confirmHostKey: async (question) => {
      asked.hostKeys.push(question);
      return answers.trust ?? false;
    },
    secret: async (prompt) => {
      asked.secrets.push(prompt);
      return answers.secret;
    },
  };
}

function fingerprintOf(publicKeyFile: string): string {
  return execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", publicKeyFile], { encoding: "utf8" }).split(" ")[1];
}

describe("SSH connections", function () {
  this.timeout(60_000);
  let work: string;
  let target: Sshd;
  let bastion: Sshd;
  let knownHosts: string;
  const savedAgent = process.env.SSH_AUTH_SOCK;
  const open: SshConnection[] = [];

  const destination = (sshd: Sshd, identityFile = sshd.userKey): SshDestination => ({ label: `127.0.0.1:${sshd.port}`, host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [identityFile] });
  const connect = async (to: SshDestination, answers: { trust?: boolean; secret?: string }, asked: Asked = { hostKeys: [], secrets: [] }) => {
    const connection = await connectSsh(to, { prompts: prompts(answers, asked), knownHostsFile: knownHosts });
    open.push(connection);
    return connection;
  };

  before(async () => {
    // The tests choose every key themselves: an agent of the developer's would log in with its own.
    delete process.env.SSH_AUTH_SOCK;
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-ssh-"));
    target = await startSshd(work, "target");
    bastion = await startSshd(work, "bastion");
  });

  beforeEach(() => {
    knownHosts = path.join(work, `known_hosts_${Math.random().toString(36).slice(2)}`);
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });

  after(async () => {
    if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent;
    await target?.stop();
    await bastion?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("asks about an unknown host key with its SHA256 fingerprint, connects only after yes, and remembers it hashed", async () => {
    const refused: Asked = { hostKeys: [], secrets: [] };
    await assert.rejects(connect(destination(target), { trust: false }, refused), /host key SHA256:\S+ was not trusted, so no connection was made/);
    assert.equal(refused.hostKeys.length, 1);
    assert.equal(refused.hostKeys[0].fingerprint, fingerprintOf(path.join(target.dir, "target_host_ed25519.pub")));
    assert.equal(fs.existsSync(knownHosts), false, "nothing is written on no");

    const trusted: Asked = { hostKeys: [], secrets: [] };
    const connection = await connect(destination(target), { trust: true }, trusted);
    assert.equal(trusted.hostKeys.length, 1);
    assert.deepEqual(await connection.exec("echo hello from $USER"), { code: 0, stdout: `hello from ${target.user}\n`, stderr: "" });
    const written = fs.readFileSync(knownHosts, "utf8");
    assert.match(written, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /, "hashed, as HashKnownHosts writes it");
    assert.ok(!written.includes("127.0.0.1"), "the host name is not in the file");
    assert.match(execFileSync("ssh-keygen", ["-F", knownHostName("127.0.0.1", target.port), "-f", knownHosts], { encoding: "utf8" }), /found: line 1/, "OpenSSH's own ssh-keygen -F finds the entry");

    const again: Asked = { hostKeys: [], secrets: [] };
    await connect(destination(target), { trust: false }, again);
    assert.equal(again.hostKeys.length, 0, "a known key is not asked about again");
  });

  it("refuses a host whose key differs from known_hosts, saying what to check, and accepts a plain matching entry", async () => {
    const other = path.join(work, "other_host_key");
    if (!fs.existsSync(other)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    const otherKey = fs.readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    fs.writeFileSync(knownHosts, `# comment\nexample.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJmKt6xPj0Wq+2aFMR2ABjbdx3nbSsUbZGBLvHZ3Vpny\n${knownHostName("127.0.0.1", target.port)} ${otherKey}\n`);
    const asked: Asked = { hostKeys: [], secrets: [] };
    await assert.rejects(
      connect(destination(target), { trust: true }, asked),
      (error: Error) => /differs from the one recorded in .*known_hosts_\w+ line 3/.test(error.message) && /ssh-keygen -R "\[127\.0\.0\.1\]:\d+"/.test(error.message) && /intercepting/.test(error.message),
    );
    assert.equal(asked.hostKeys.length, 0, "a changed key is refused, not offered to the user");

    fs.writeFileSync(knownHosts, `[127.0.0.1]:${target.port},other ${target.hostPublicKey}\n`);
    assert.equal(checkHostKey(knownHosts, "127.0.0.1", target.port, Buffer.from(target.hostPublicKey.split(" ")[1], "base64")).kind, "known");
    const connection = await connect(destination(target), { trust: false });
    assert.equal((await connection.exec("true")).code, 0);
  });

  it("asks for an encrypted key's passphrase, and says which keys it tried when none works", async () => {
    const encrypted = path.join(work, "encrypted_key");
    if (!fs.existsSync(encrypted)) {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "open sesame", "-f", encrypted]);
      fs.appendFileSync(path.join(work, "target_authorized_keys"), fs.readFileSync(`${encrypted}.pub`));
    }
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${target.port} ${target.hostPublicKey}\n`);
    const asked: Asked = { hostKeys: [], secrets: [] };
    const connection = await connect(destination(target, encrypted), { secret: "open sesame" }, asked);
    assert.equal((await connection.exec("true")).code, 0);
    assert.deepEqual(asked.secrets, [`passphrase for ${encrypted}`]);

    const stranger = path.join(work, "stranger_key");
    if (!fs.existsSync(stranger)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]);
    await assert.rejects(connect(destination(target, stranger), {}), new RegExp(`could not log in to ${target.user}@127\\.0\\.0\\.1:${target.port}: tried ${stranger.replace(/[.]/g, "\\.")}`));
    await assert.rejects(connect(destination(target, encrypted), { secret: "wrong" }), /encrypted_key \(wrong passphrase\)/);
  });

  it("resolves a Host alias of ~/.ssh/config and hops through its ProxyJump bastion, checking both host keys", async () => {
    const config = path.join(work, "ssh_config");
    fs.writeFileSync(
      config,
      [
        "Host gpu-box",
        "  HostName 127.0.0.1",
        `  Port ${target.port}`,
        `  User ${target.user}`,
        `  IdentityFile ${target.userKey}`,
        "  ProxyJump jump",
        "Host jump",
        "  HostName 127.0.0.1",
        `  Port ${bastion.port}`,
        `  IdentityFile ${bastion.userKey}`,
        "Host *.internal",
        "  User nobody",
        "",
      ].join("\n"),
    );
    assert.deepEqual(configuredHosts(config), ["gpu-box", "jump"]);
    const resolved = resolveDestination("gpu-box", { configFile: config });
    assert.deepEqual([resolved.host, resolved.port, resolved.user, resolved.jump?.port], ["127.0.0.1", target.port, target.user, bastion.port]);
    const asked: Asked = { hostKeys: [], secrets: [] };
    const connection = await connect(resolved, { trust: true }, asked);
    assert.deepEqual(
      asked.hostKeys.map((question) => question.port),
      [bastion.port, target.port],
      "the bastion's key is checked first, then the target's",
    );
    assert.equal((await connection.exec("echo through")).stdout, "through\n");

    await bastion.stop();
    try {
      await assert.rejects(connect(resolveDestination("gpu-box", { configFile: config }), { trust: true }), /no SSH server answers on 127\.0\.0\.1:\d+ \(connection refused\)/);
    } finally {
      bastion = await startSshd(work, "bastion");
    }
  });

  it("notices a dropped link: the connection's closed promise settles when sshd's session is killed", async () => {
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${target.port} ${target.hostPublicKey}\n`);
    const connection = await connect(destination(target), {});
    target.killSessions();
    await connection.closed;
  });

  it("notices a stalled link, where nothing is closed and packets just stop, by its unanswered keepalives", async () => {
    const link = new TcpLink(target.port);
    await link.listen();
    try {
      fs.writeFileSync(knownHosts, `[127.0.0.1]:${link.port} ${target.hostPublicKey}\n`);
      const connection = await connect({ ...destination(target), label: `127.0.0.1:${link.port}`, port: link.port }, {});
      assert.equal((await connection.exec("echo up")).stdout.trim(), "up");
      link.stall();
      // Without keepalives this would wait for TCP's own timeout, which is many minutes (the test's limit is 60 s).
      await connection.closed;
      await assert.rejects(connection.exec("echo up"), "a dead link runs nothing");
    } finally {
      link.close();
    }
  });

  it("parses destinations as ssh does", () => {
    assert.deepEqual(parseDestination("ssh://ana@gpu.example.com:2222"), { user: "ana", host: "gpu.example.com", port: 2222 });
    assert.deepEqual(parseDestination("ana@[::1]:22"), { user: "ana", host: "::1", port: 22 });
    assert.deepEqual(parseDestination("gpu-box"), { user: undefined, host: "gpu-box", port: undefined });
    assert.throws(() => parseDestination("ana@gpu:99999"), /port must be from 1 to 65535/);
    assert.throws(() => parseDestination("not a host"), /not an SSH destination/);
  });
});
