// The questions a `tfjs-studio` command puts to its user when another program runs it: the extension runs deploys
// and endpoint commands as child processes, with TFJS_STUDIO_PROMPTS=lines, and asks in VS Code what SSH needs asked
// (an unknown host key, a passphrase, a password). Each question is one line on the command's stderr, PROMPT_PREFIX
// and JSON; its answer, one JSON line ({"answer": …}, null for cancelled) on the command's stdin.

export const PROMPTS_ENV = "TFJS_STUDIO_PROMPTS";
export const PROMPTS_AS_LINES = "lines";
const PROMPT_PREFIX = "tfjs-studio-prompt: ";

export type PromptQuestion =
  | { kind: "hostKey"; host: string; port: number; keyType: string; fingerprint: string }
  | { kind: "secret"; prompt: string }
  | { kind: "confirm"; question: string };

export interface PromptAnswer {
  answer: string | boolean | null;
}

export function formatPromptLine(question: PromptQuestion): string {
  return `${PROMPT_PREFIX}${JSON.stringify(question)}`;
}

/** The question on a prompt line, or undefined for any other line. */
export function parsePromptLine(line: string): PromptQuestion | undefined {
  if (!line.startsWith(PROMPT_PREFIX)) return undefined;
  try {
    const question = JSON.parse(line.slice(PROMPT_PREFIX.length)) as PromptQuestion;
    return ["hostKey", "secret", "confirm"].includes(question.kind) ? question : undefined;
  } catch {
    return undefined;
  }
}
