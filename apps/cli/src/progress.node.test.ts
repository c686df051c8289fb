import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress.js';
import { recordingIo } from './testing-io.js';

describe('ProgressBar', () => {
  it('draws on a terminal: fraction, bar and text, redrawn in place, ended by a newline', () => {
    const io = { ...recordingIo(), isTty: true };
    let out = '';
    const tty = { ...io, stdout: (t: string) => void (out += t) };
    const bar = new ProgressBar(tty, 4, 8, 0);
    bar.update(1, 'loss 1.5', true);
    bar.update(4, 'loss 0.5', true);
    bar.done();
    expect(out).toContain('\r██░░░░░░  25%  loss 1.5');
    expect(out).toContain('\r████████ 100%  loss 0.5');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('prints nothing when stdout is not a terminal', () => {
    const io = recordingIo();
    const bar = new ProgressBar(io, 10);
    bar.update(5, 'loss 1', true);
    bar.done();
    expect(io.out()).toBe('');
  });
});
