// The last lines of a process's stdout and stderr, each stream's partial line kept apart, and each whole line
// passed on to listeners as it completes.

export class OutputTail {
  private readonly lines: string[] = [];
  private readonly partials = new Set<{ text: string }>();
  private readonly listeners: ((line: string) => void)[] = [];

  constructor(private readonly maxLines: number) {}

  /** A function to feed one stream's chunks to. */
  collector(): (chunk: string) => void {
    const partial = { text: "" };
    this.partials.add(partial);
    return (chunk) => {
      const pieces = (partial.text + chunk).split("\n");
      partial.text = pieces.pop()!.slice(-10_000);
      for (const line of pieces) this.append(line);
    };
  }

  append(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
    for (const listener of this.listeners) listener(line);
  }

  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  text(): string {
    const unfinished = [...this.partials].map((partial) => partial.text).filter(Boolean);
    return [...this.lines, ...unfinished].join("\n").trimEnd();
  }
}
