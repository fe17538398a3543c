// The line `tfjs-studio serve` prints on stderr once its model is loaded, and how the extension (and tests) read
// the URL and backend from it: one place, so the printer and the readers cannot drift apart.
export interface ReadyServer {
  name: string;
  version: string;
  backend: string;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
}

export function readyLine({ name, version, backend, url }: ReadyServer): string {
  return `${name} version ${version} ready on ${backend}: ${url}/invocations, ${url}/v1/models/${name}:predict, ${url}/v2/models/${name}/infer`;
}

/** What a ready line matches; also looked for in a detached server's log on an SSH host. */
export const READY_PATTERN = /(\S+) version (\S+) ready on (.+?): (http:\/\/\S+?)\/invocations/;

/** The ready server named in a server's output so far, or undefined while it is still loading. */
export function parseReadyLine(output: string): ReadyServer | undefined {
  const match = READY_PATTERN.exec(output);
  return match ? { name: match[1], version: match[2], backend: match[3], url: match[4] } : undefined;
}
