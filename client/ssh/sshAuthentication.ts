// The ways in, tried in ssh's order: the ssh-agent (SSH_AUTH_SOCK), private keys (the destination's, else
// ~/.ssh/id_ed25519, id_ecdsa, id_rsa; an encrypted one asks for its passphrase), keyboard-interactive, then a
// password. Secrets come from the prompts each time and are never stored or logged.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType } from "ssh2";
import type { SshDestination } from "./sshDestination";

export interface SshPrompts {
  /** An unknown host key: true to trust it, which adds it to known_hosts. */
  confirmHostKey(question: { host: string; port: number; keyType: string; fingerprint: string }): Promise<boolean>;
  /** A key's passphrase, the password, a keyboard-interactive answer; undefined when the user cancels. */
  secret(prompt: string): Promise<string | undefined>;
}

const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** The methods tried, for the message when none worked. */
export interface AuthenticationLog {
  tried: string[];
}

export function authenticationHandler(destination: SshDestination, prompts: SshPrompts, log: AuthenticationLog): AuthHandlerMiddleware {
  const who = `${destination.user}@${destination.host}`;
  const username = destination.user;
  const keyFiles = destination.identityFiles.length > 0 ? destination.identityFiles : DEFAULT_KEYS.map((name) => path.join(os.homedir(), ".ssh", name)).filter((file) => fs.existsSync(file));
  // Each with the method the server must still take for it to be tried, so nobody is asked for a password that the
  // server would not accept.
  const attempts: { needs: AuthenticationType; make: () => Promise<Attempt | undefined> }[] = [];
  const agent = process.env.SSH_AUTH_SOCK;
  if (agent) attempts.push({ needs: "publickey", make: async () => ({ label: "the ssh-agent", method: { type: "agent", username, agent } }) });
  for (const file of keyFiles) attempts.push({ needs: "publickey", make: () => keyMethod(file, username, prompts, log) });
  attempts.push({ needs: "keyboard-interactive", make: async () => ({ label: "keyboard-interactive", method: keyboardInteractive(username, who, prompts) }) });
  attempts.push({
    needs: "password",
    make: async () => {
      const password = await prompts.secret(`password for ${who}`);
      return password === undefined ? undefined : { label: "a password", method: { type: "password", username, password } };
    },
  });

  let next = 0;
  return (methodsLeft: AuthenticationType[] | null, _partialSuccess: boolean | null, callback) => {
    // "none" first, as ssh does: the server's answer lists the methods it takes.
    if (methodsLeft === null) return callback({ type: "none", username });
    void (async () => {
      while (next < attempts.length) {
        const { needs, make } = attempts[next++];
        if (methodsLeft && !methodsLeft.includes(needs)) continue;
        const attempt = await make();
        if (!attempt) continue;
        log.tried.push(attempt.label);
        return callback(attempt.method);
      }
      callback(false as unknown as AuthenticationType);
    })();
  };
}

/** The server's questions (a one-time code, a password), each put to the user. */
function keyboardInteractive(username: string, who: string, prompts: SshPrompts): AnyAuthMethod {
  return {
    type: "keyboard-interactive",
    username,
    // As ssh shows them: the server's name for the exchange and its instructions, then each question.
    prompt: (name, instructions, _lang, questions, finish) => {
      void (async () => {
        const answers: string[] = [];
        for (const question of questions) {
          const answer = await prompts.secret(`${who}: ${[name, instructions, question.prompt].filter(Boolean).join(" ").trim()}`);
          if (answer === undefined) return finish([]);
          answers.push(answer);
        }
        finish(answers);
      })();
    },
  };
}

interface Attempt {
  label: string;
  method: AnyAuthMethod;
}

async function keyMethod(file: string, username: string, prompts: SshPrompts, log: AuthenticationLog): Promise<Attempt | undefined> {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    log.tried.push(`${file} (unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
  let parsed = utils.parseKey(data);
  if (parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message)) {
    const passphrase = await prompts.secret(`passphrase for ${file}`);
    if (passphrase === undefined) return undefined;
    parsed = utils.parseKey(data, passphrase);
    if (parsed instanceof Error) {
      log.tried.push(`${file} (wrong passphrase)`);
      return undefined;
    }
    return { label: file, method: { type: "publickey", username, key: data, passphrase } };
  }
  if (parsed instanceof Error) {
    log.tried.push(`${file} (not a private key: ${parsed.message})`);
    return undefined;
  }
  return { label: file, method: { type: "publickey", username, key: data } };
}
