import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIo } from '../testing-io.js';

async function elbo(args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;

describe('elbo train --workers (data parallel on worker threads)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'elbo-workers-'));
  // A deterministic auto-encoder, so that one thread and two must agree step for step.
  const small = (out: string) => [
    'train',
    '--model',
    'ae',
    '--range',
    '0:256',
    '--batch-size',
    '64',
    '--hidden',
    '32',
    '--latent',
    '4',
    '--epochs',
    '2',
    '--backend',
    'wasm',
    '--json',
    '--out',
    path.join(dir, out),
  ];

  it('two threads train the same model as one: the same losses, no tensor leaks, the workers end', async () => {
    const before = tf.memory().numTensors;
    const one = await elbo(small('one'));
    const two = await elbo([...small('two'), '--workers', '2']);
    expect(two.err).toBe('');
    expect([one.code, two.code]).toEqual([0, 0]);
    const a = lastJson<{ loss: number; epoch: number }>(one.out);
    const b = lastJson<{ loss: number; epoch: number }>(two.out);
    expect(b.epoch).toBe(2);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-3 * a.loss);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says how many threads run, and refuses a bad count', async () => {
    const text = await elbo([
      ...small('three').filter((a) => a !== '--json'),
      '--workers',
      '2',
      '--epochs',
      '1',
    ]);
    expect(text.out).toMatch(/data parallel: 2 threads on wasm/);
    const bad = await elbo([...small('four'), '--workers', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--workers must be an integer ≥ 1, got '0'/);
  });

  it('names the wasm thread count it runs on, and refuses one outside 1..8 without a stack trace', async () => {
    const text = await elbo([...small('five').filter((a) => a !== '--json'), '--epochs', '1']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^backend: wasm \(asked for by name \(WebAssembly on (one thread|\d threads)/m);
    for (const [count, message] of [
      ['0', /--threads must be an integer ≥ 1, got '0'/],
      ['9', /option 'threads' is 9, expected a whole number from 1 to 8/],
    ] as const) {
      const bad = await elbo([...small(`six-${count}`), '--threads', count]);
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(message);
      expect(bad.err).not.toMatch(/\n\s+at /);
    }
  });
});
