// SSH's questions on the terminal, as ssh asks them: an unknown host key with its fingerprint (yes/no), then key
// passphrases and passwords without echo; and connect's own yes/no questions. Answers come from stdin, a terminal
// or a pipe; at its end, the answer is no. Run by the extension (TFJS_STUDIO_PROMPTS=lines), the questions go out
// as prompt lines for VS Code to ask (protocol/promptLine.ts).
import * as readline from "node:readline";
import { Writable } from "node:stream";
import type { SshPrompts } from "../client/ssh/sshAuthentication";
import { PROMPTS_AS_LINES, PROMPTS_ENV, formatPromptLine, type PromptAnswer, type PromptQuestion } from "../protocol/promptLine";

type Prompts = SshPrompts & { confirm(question: string): Promise<boolean>; close(): void };

export function terminalPrompts(): Prompts {
  const lines = lineReader();
  if (process.env[PROMPTS_ENV] === PROMPTS_AS_LINES) return linePrompts(lines);
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

/** Each question a prompt line on stderr, its answer a JSON line on stdin; none (stdin ended), a no. */
function linePrompts(lines: ReturnType<typeof lineReader>): Prompts {
  const ask = async (question: PromptQuestion): Promise<PromptAnswer["answer"]> => {
    process.stderr.write(`${formatPromptLine(question)}\n`);
    const line = await lines.next(false);
    try {
      return line === undefined ? null : (JSON.parse(line) as PromptAnswer).answer;
    } catch {
      return null;
    }
  };
  return {
    confirmHostKey: async (question) => (await ask({ kind: "hostKey", ...question })) === true,
    confirm: async (question) => (await ask({ kind: "confirm", question })) === true,
    secret: async (prompt) => {
      const answer = await ask({ kind: "secret", prompt });
      return typeof answer === "string" ? answer : undefined;
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
