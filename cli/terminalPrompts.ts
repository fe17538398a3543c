// SSH's questions on the terminal, as ssh asks them: an unknown host key with its fingerprint (yes/no), then key
// passphrases and passwords without echo; and connect's own yes/no questions. Answers come from stdin, a terminal
// or a pipe; at its end, the answer is no.
import * as readline from "node:readline";
import { Writable } from "node:stream";
import type { SshPrompts } from "../client/ssh/sshAuthentication";

export function terminalPrompts(): SshPrompts & { confirm(question: string): Promise<boolean>; close(): void } {
  const lines = lineReader();
  const confirm = async (question: string) => {
    process.stderr.write(`${question} (yes/no)? `);
    const answer = (await lines.next(false))?.trim().toLowerCase();
    // A terminal echoed the answer and its newline; from a pipe (or none), what follows starts a line of its own.
    if (!process.stdin.isTTY) process.stderr.write("\n");
    return answer === "yes" || answer === "y";
  };
  return {
    confirmHostKey: ({ host, port, keyType, fingerprint }) => {
      const name = port === 22 ? host : `[${host}]:${port}`;
      return confirm(`The authenticity of host '${name}' can't be established.\n${sshKeyName(keyType)} key fingerprint is ${fingerprint}.\nAre you sure you want to continue connecting`);
    },
    confirm,
    secret: async (prompt) => {
      process.stderr.write(`${prompt}: `);
      const answer = await lines.next(true);
      if (process.stdin.isTTY) process.stderr.write("\n");
      return answer;
    },
    close: () => lines.close(),
  };
}

/** One line at a time from stdin; on a terminal, a secret's keys are not echoed. */
function lineReader(): { next(secret: boolean): Promise<string | undefined>; close(): void } {
  let reader: readline.Interface | undefined;
  let muted = false;
  const waiting: ((line: string | undefined) => void)[] = [];
  const buffered: string[] = [];
  let ended = false;
  const open = () => {
    if (reader) return;
    // Output goes through a stream that drops what is typed while muted; prompts are written to stderr directly.
    const output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    reader = readline.createInterface({ input: process.stdin, output, terminal: Boolean(process.stdin.isTTY) });
    reader.on("line", (line) => {
      const resolve = waiting.shift();
      if (resolve) resolve(line);
      else buffered.push(line);
    });
    reader.on("close", () => {
      ended = true;
      for (const resolve of waiting.splice(0)) resolve(undefined);
    });
  };
  return {
    next: (secret) => {
      open();
      muted = secret;
      if (buffered.length > 0) return Promise.resolve(buffered.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => reader?.close(),
  };
}

/** The key type as ssh names it in this question: ED25519, RSA, ECDSA. */
function sshKeyName(keyType: string): string {
  if (keyType.startsWith("ecdsa-")) return "ECDSA";
  return keyType.replace(/^ssh-/, "").replace(/-cert-v01@openssh\.com$/, "").toUpperCase();
}
