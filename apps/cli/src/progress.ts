import type { Io } from './io.js';

/**
 * A one-line progress bar for a terminal (`\r`-redrawn, at most every `intervalMs`): the fraction done,
 * a bar, and free text such as the loss and images/s. On anything but a terminal it prints nothing, so
 * that logs and `--json` output stay clean.
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly width = 28,
    private readonly intervalMs = 100,
  ) {}

  /** Redraws with `done` of `total` and `text`; `force` draws even within the interval. */
  update(done: number, text: string, force = false): void {
    if (!this.io.isTty) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(fraction * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    this.io.stdout(`\r${bar} ${String(Math.round(100 * fraction)).padStart(3)}%  ${text}\u001b[K`);
    this.drawn = true;
  }

  /** Ends the bar's line (a newline) if one was drawn. */
  done(): void {
    if (this.drawn) this.io.stdout('\n');
    this.drawn = false;
  }
}
