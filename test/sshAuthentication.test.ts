// The ways into a host other than a key file: the ssh-agent (Debian's ssh-agent, against Debian's sshd), and a
// password or keyboard-interactive questions, against ssh2's in-process server (an OpenSSH login by password would
// need a system account's password set). Each secret is asked through the prompts, and a wrong one fails clearly.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Server, type AuthContext } from "ssh2";
import type { SshPrompts } from "../client/ssh/sshAuthentication";
import { connectSsh } from "../client/ssh/sshConnection";
import type { SshDestination } from "../client/ssh/sshDestination";
import { startSshd, type Sshd } from "./support/sshd";
import { until } from "./support/until";

/** Answers every secret with `answer`, and keeps what it was asked. */
function answering(answer: string, asked: string[]): SshPrompts {
  return {
    confirmHostKey: async () => false,
    secret: async (prompt) => {
      asked.push(prompt);
      return answer;
    },
  };
}

describe("SSH logins without a key file: ssh-agent, password, keyboard-interactive", function () {
  this.timeout(60_000);
  let work: string;
  const savedAgent = process.env.SSH_AUTH_SOCK;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-ssh-auth-"));
  });

  after(() => {
    if (savedAgent === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedAgent;
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe("the ssh-agent", () => {
    let sshd: Sshd;
    let agent: ChildProcess;

    before(async () => {
      sshd = await startSshd(work, "agent-sshd");
      const socket = path.join(work, "agent.sock");
      agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
      await until(() => fs.existsSync(socket), "the agent's socket");
      execFileSync("ssh-add", [sshd.userKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
      process.env.SSH_AUTH_SOCK = socket;
    });

    after(async () => {
      agent?.kill();
      await sshd?.stop();
    });

    it("logs in with a key the agent holds, when no key file of the destination works", async () => {
      const knownHosts = path.join(work, "agent_known_hosts");
      fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
      const asked: string[] = [];
      const destination: SshDestination = { label: "agent", host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [path.join(work, "no-such-key")] };
      const connection = await connectSsh(destination, { prompts: answering("unused", asked), knownHostsFile: knownHosts });
      try {
        assert.equal((await connection.exec("echo in")).stdout.trim(), "in");
        assert.deepEqual(asked, [], "nothing asked: the agent had the key");
      } finally {
        connection.close();
      }
    });
  });

  describe("a server that takes a password or keyboard-interactive answers (ssh2's server)", () => {
    let server: Server;
    let port: number;
    let knownHosts: string;
    /** The methods the server takes, set by each test. */
    let methods: ("password" | "keyboard-interactive")[] = [];

    before(async () => {
      delete process.env.SSH_AUTH_SOCK;
      const hostKey = path.join(work, "ssh2_host_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
      server = new Server({ hostKeys: [fs.readFileSync(hostKey)] }, (client) => {
        client.on("authentication", (context: AuthContext) => {
          if (context.method === "password" && methods.includes("password")) return context.password === "hunter2" ? context.accept() : context.reject();
          if (context.method === "keyboard-interactive" && methods.includes("keyboard-interactive")) {
            return context.prompt([{ prompt: "Verification code: ", echo: false }], "Two-step login", "Enter the code your phone shows.", (answers) => (answers[0] === "123456" ? context.accept() : context.reject()));
          }
          context.reject(methods);
        });
        client.on("ready", () => client.on("session", (accept) => accept().once("exec", (acceptExec) => {
          const channel = acceptExec();
          channel.write("in\n");
          channel.exit(0);
          channel.end();
        })));
        client.on("error", () => {});
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as net.AddressInfo).port;
      knownHosts = path.join(work, "ssh2_known_hosts");
      fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${fs.readFileSync(`${hostKey}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}\n`);
    });

    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const destination = (): SshDestination => ({ label: "ssh2", host: "127.0.0.1", port, user: "ada", identityFiles: [path.join(work, "no-such-key")] });

    it("asks for the password, and logs in with it", async () => {
      methods = ["password"];
      const asked: string[] = [];
      const connection = await connectSsh(destination(), { prompts: answering("hunter2", asked), knownHostsFile: knownHosts });
      try {
        assert.equal((await connection.exec("anything")).stdout.trim(), "in");
        assert.deepEqual(asked, ["password for ada@127.0.0.1"]);
      } finally {
        connection.close();
      }
    });

    it("puts the server's keyboard-interactive question to the user, and logs in with the answer", async () => {
      methods = ["keyboard-interactive"];
      const asked: string[] = [];
      const connection = await connectSsh(destination(), { prompts: answering("123456", asked), knownHostsFile: knownHosts });
      try {
        assert.deepEqual(asked, ["ada@127.0.0.1: Two-step login Enter the code your phone shows. Verification code:"]);
      } finally {
        connection.close();
      }
    });

    it("says what it tried when the password is wrong, and asks nothing it was not asked to", async () => {
      methods = ["password"];
      const asked: string[] = [];
      await assert.rejects(connectSsh(destination(), { prompts: answering("wrong", asked), knownHostsFile: knownHosts }), /could not log in to ada@127\.0\.0\.1:\d+: tried .*a password/);
      assert.deepEqual(asked, ["password for ada@127.0.0.1"], "asked once, for the password alone");
    });
  });
});
