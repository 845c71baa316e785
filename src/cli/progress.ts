/**
 * A progress line on stderr for long runs: items done of the total, tokens/s and the time left,
 * redrawn in place at most 5 times a second when stderr is a terminal (or --progress asks for it,
 * then one line per update), silent otherwise; `done` ends it with the totals.
 */
import type { DownloadProgress } from '../progress';

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

const MB = 1e6;

/**
 * A model download on stderr: bytes of all files, the rate and the time left, redrawn in place on a
 * terminal; elsewhere one line per file finished. Files found in the cache are said once, at the end.
 */
export class DownloadLine {
  private readonly started = performance.now();
  private lastDraw = 0;
  private fromNetwork = 0;
  private readonly finished = new Set<string>();
  private readonly inPlace = process.stderr.isTTY === true;

  constructor(private readonly model: string) {}

  update(p: DownloadProgress): void {
    if (!p.fromCache) this.fromNetwork = Math.max(this.fromNetwork, p.overallLoaded);
    const fileDone = p.loaded === p.total && !this.finished.has(p.file);
    if (fileDone) this.finished.add(p.file);
    const now = performance.now();
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.fromNetwork / seconds;
    const left = rate > 0 ? (p.overallTotal - p.overallLoaded) / rate : NaN;
    const line = `c2llm: downloading ${this.model}: ${(p.overallLoaded / MB).toFixed(1)} of ${(p.overallTotal / MB).toFixed(1)} MB · ${(rate / MB).toFixed(1)} MB/s · ${Number.isFinite(left) ? `${left.toFixed(0)} s left` : '…'}`;
    if (this.inPlace) {
      if (now - this.lastDraw < 200 && p.overallLoaded < p.overallTotal) return;
      this.lastDraw = now;
      process.stderr.write(`\r${line}\x1b[K`);
    } else if (fileDone && !p.fromCache) {
      process.stderr.write(`c2llm: downloaded ${p.file} (${(p.total / MB).toFixed(1)} MB) · ${line.replace(/^c2llm: /, '')}\n`);
    }
  }

  done(dir: string): void {
    if (this.inPlace && this.lastDraw) process.stderr.write('\n');
    process.stderr.write(`c2llm: ${this.model} is in ${dir}${this.fromNetwork ? ` (${(this.fromNetwork / MB).toFixed(1)} MB downloaded)` : ' (from the cache)'}\n`);
  }
}
