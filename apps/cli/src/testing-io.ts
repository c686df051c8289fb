import type { Io } from './io.js';

/** An {@link Io} that records what a command prints, for in-process tests. */
export function recordingIo(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    isTty: false,
    out: () => out,
    err: () => err,
  };
}
