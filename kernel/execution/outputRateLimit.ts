// A token bucket over characters of output, as Jupyter servers limit IOPub data (iopub_data_rate_limit): a burst
// as large as a big printout passes at once, and a sustained flood is held to a rate a frontend can render.

export class OutputRateLimit {
  private available: number;
  private last: number;

  constructor(
    private readonly charsPerSecond: number,
    private readonly burstChars: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = burstChars;
    this.last = now();
  }

  /** Takes `chars` from the bucket if it holds them; otherwise takes nothing and says no. */
  take(chars: number): boolean {
    const now = this.now();
    this.available = Math.min(this.burstChars, this.available + ((now - this.last) / 1000) * this.charsPerSecond);
    this.last = now;
    if (chars > this.available) return false;
    this.available -= chars;
    return true;
  }
}
