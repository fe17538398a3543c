// A deploy's progress as one line a report, which `tfjs-studio deploy` prints on stderr and the extension, running
// it as a child process, reads back into its progress notification.

export function formatProgressLine(step: string, detail?: string): string {
  return detail ? `${step}: ${detail}` : `${step}…`;
}

/** The step and detail of a progress line, or undefined for any other line. */
export function parseProgressLine(line: string): { step: string; detail?: string } | undefined {
  const bare = /^([A-Z][^:…]*)…$/.exec(line);
  if (bare) return { step: bare[1] };
  const detailed = /^([A-Z][^:…]*): (.+)$/.exec(line);
  return detailed ? { step: detailed[1], detail: detailed[2] } : undefined;
}
