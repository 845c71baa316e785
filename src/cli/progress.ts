/**
 * A progress line on stderr for long runs: items done of the total, tokens/s and the time left,
 * redrawn in place at most 5 times a second when stderr is a terminal (or --progress asks for it,
 * then one line per update), silent otherwise; `done` ends it with the totals.
 */
const REDRAW_MS = 200;

export class ProgressLine {
  private done_ = 0;
  private tokens = 0;
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly inPlace: boolean;

  constructor(
    private readonly total: number,
    private readonly unit: string,
    forced: boolean,
  ) {
    this.inPlace = process.stderr.isTTY === true;
    this.enabled = this.inPlace || forced;
  }

  advance(items: number, tokens: number): void {
    this.done_ += items;
    this.tokens += tokens;
    const now = performance.now();
    if (!this.enabled || (now - this.lastDraw < REDRAW_MS && this.done_ < this.total)) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const left = this.done_ > 0 ? (seconds / this.done_) * (this.total - this.done_) : NaN;
    const line = `c2llm: ${this.done_}/${this.total} ${this.unit} · ${(this.tokens / Math.max(seconds, 1e-3)).toFixed(0)} tokens/s · ${Number.isFinite(left) ? `${left.toFixed(0)} s left` : '…'}`;
    process.stderr.write(this.inPlace ? `\r${line}\x1b[K` : `${line}\n`);
  }

  done(): void {
    const seconds = (performance.now() - this.started) / 1000;
    if (this.enabled && this.inPlace) process.stderr.write('\n');
    process.stderr.write(`c2llm: ${this.done_} ${this.unit}, ${this.tokens} tokens in ${seconds.toFixed(1)} s (${(this.tokens / Math.max(seconds, 1e-3)).toFixed(0)} tokens/s)\n`);
  }
}
