import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIo } from '../testing-io.js';
import { readSettings } from './train.js';

async function elbo(args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;

describe('elbo train --model nvae', () => {
  const run = path.join(mkdtempSync(path.join(tmpdir(), 'elbo-nvae-')), 'run');
  // A tiny NVAE of the mnist-small preset: 8 channels, one group at each of the two scales.
  const tiny = [
    '--model',
    'nvae',
    '--preset',
    'mnist-small',
    '--set',
    'channels=8',
    '--set',
    'groupsPerScale=1,1',
    '--set',
    'latentChannels=2',
    '--set',
    'expand=2',
    '--range',
    '0:96',
    '--batch-size',
    '32',
    '--backend',
    'wasm',
    '--out',
    run,
  ];

  it('trains, writes per-group diagnostics each epoch and samples at temperature 0.8, resumes; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const first = await elbo(['train', '--epochs', '1', ...tiny]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /latent groups \(KL nats \/ active units of size\): 0: [\d.]+ \/ \d+ of 32, 1: [\d.]+ \/ \d+ of 128/,
    );
    const second = await elbo(['train', '--epochs', '2', '--resume', '--json', ...tiny]);
    expect(second.code).toBe(0);
    const r = lastJson<{ epoch: number; resumedFrom: number | null; loss: number }>(second.out);
    expect([r.epoch, r.resumedFrom]).toEqual([2, 1]);
    expect(tf.memory().numTensors).toBe(before);
    const diagnostics = JSON.parse(readFileSync(path.join(run, 'diagnostics.json'), 'utf8')) as Array<{
      epoch: number;
      groups: Array<{ index: number; size: number; kl: number; activeUnits: number }>;
    }>;
    // The resumed run appends its epochs to the first run's.
    expect(diagnostics.map((d) => d.epoch)).toEqual([1, 2]);
    expect(diagnostics[1]!.groups.map((g) => g.size)).toEqual([32, 128]);
    for (const g of diagnostics[1]!.groups) expect(g.activeUnits).toBeLessThanOrEqual(g.size);
    const cool = PNG.sync.read(readFileSync(path.join(run, 'samples-t0.8.png')));
    expect([cool.width, cool.height]).toEqual([8 * 28 + 9 * 2, 8 * 28 + 9 * 2]);
    const config = JSON.parse(readFileSync(path.join(run, 'checkpoint', 'model.json'), 'utf8')) as {
      userDefinedMetadata: { elbo: { config: { kind: string; channels: number; groupsPerScale: number[] } } };
    };
    expect(JSON.stringify(config)).toContain('"kind":"nvae"');
  });

  it('evaluates with importance sampling (NLL ≤ −ELBO) and samples a grid at a temperature', async () => {
    const ev = await elbo([
      'eval',
      '--checkpoint',
      run,
      '--range',
      '96:112',
      '--importance-samples',
      '6',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(ev.code).toBe(0);
    const r = lastJson<{ nll: number; elbo: number; bitsPerDim: number }>(ev.out);
    expect(r.nll).toBeGreaterThan(0);
    expect(r.nll).toBeLessThanOrEqual(-r.elbo + 1e-3);
    const file = path.join(path.dirname(run), 'cool.png');
    const s = await elbo([
      'sample',
      '--checkpoint',
      run,
      '--n',
      '6',
      '--columns',
      '3',
      '--temperature',
      '0.7',
      '--out',
      file,
      '--backend',
      'wasm',
    ]);
    expect(s.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(PNG.sync.read(readFileSync(file)).width).toBe(3 * 28 + 4 * 2);
  });

  it('names a bad override or preset, without a stack trace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'elbo-nvae-bad-'));
    const out = ['--range', '0:32', '--backend', 'wasm', '--out', path.join(dir, 'r')];
    const results = [
      await elbo(['train', '--model', 'nvae', '--set', 'chanels=8', ...out]),
      await elbo(['train', '--model', 'nvae', '--set', 'groupsPerScale=1,1,1', ...out]),
      await elbo(['train', '--model', 'vae', '--set', 'channels=8', ...out]),
      await elbo(['train', '--model', 'nvae', '--preset', 'cifar', ...out]),
      await elbo(['train', '--model', 'nvae', '--set', 'channels', ...out]),
    ];
    expect(results[0]!.err).toMatch(/unknown field 'chanels'/);
    expect(results[1]!.err).toMatch(/groupsPerScale is \[1, 1, 1\], expected 2 positive integers/);
    expect(results[2]!.err).toMatch(/--set channels=8 configures an NVAE, expected --model nvae/);
    expect(results[3]!.err).toMatch(/argument 'cifar' is invalid\. Allowed choices are mnist-small, mnist/);
    expect(results[4]!.err).toMatch(/--set must be field=value/);
    for (const r of results) {
      expect(r.code).not.toBe(0);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(dir, 'r', 'checkpoint'))).toBe(false);
  });

  it('reads --set values as numbers, lists, booleans and null', () => {
    expect(
      readSettings([
        'channels=16',
        'groupsPerScale=3',
        'klBalance=false',
        'preset=null',
        'spectralRegularization=1e-3',
      ]),
    ).toEqual({
      channels: 16,
      groupsPerScale: [3],
      klBalance: false,
      preset: null,
      spectralRegularization: 1e-3,
    });
  });
});
