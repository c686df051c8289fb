import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIo } from '../testing-io.js';

async function elbo(args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;
const png = (file: string) => PNG.sync.read(readFileSync(file));

describe('elbo train, eval, sample, reconstruct, interpolate', () => {
  const run = path.join(mkdtempSync(path.join(tmpdir(), 'elbo-train-')), 'run');
  const small = [
    '--range',
    '0:256',
    '--batch-size',
    '64',
    '--hidden',
    '64',
    '--latent',
    '4',
    '--backend',
    'wasm',
    '--out',
    run,
  ];

  it('trains a VAE on the shipped digits with a checkpoint per epoch, then resumes to the requested epoch; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const first = await elbo(['train', '--epochs', '2', '--json', ...small]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const r1 = lastJson<{
      backend: string;
      epoch: number;
      loss: number;
      resumedFrom: number | null;
      checkpoint: string;
      imagesPerSecond: number;
    }>(first.out);
    expect(r1).toMatchObject({
      backend: 'wasm',
      epoch: 2,
      resumedFrom: null,
      checkpoint: path.join(run, 'checkpoint'),
    });
    expect(r1.imagesPerSecond).toBeGreaterThan(0);
    expect(r1.loss).toBeLessThan(544); // below 784·ln 2, the loss of a decoder that knows nothing
    expect(existsSync(path.join(run, 'checkpoint', 'model.json'))).toBe(true);
    const second = await elbo(['train', '--epochs', '3', '--resume', '--json', ...small]);
    const r2 = lastJson<{ epoch: number; resumedFrom: number | null; loss: number }>(second.out);
    expect(r2.epoch).toBe(3);
    expect(r2.resumedFrom).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    // Real PNGs: 64 samples in 8 columns; 32 digits above their reconstructions.
    const samples = png(path.join(run, 'samples.png'));
    expect([samples.width, samples.height]).toEqual([8 * 28 + 9 * 2, 8 * 28 + 9 * 2]);
    const recon = png(path.join(run, 'reconstructions.png'));
    expect(recon.height).toBe(8 * 28 + 9 * 2);
  });

  it('evaluates the checkpoint: IS-NLL ≥ −ELBO (the bound), bits/dim = NLL/(784 ln 2)', async () => {
    const { code, out } = await elbo([
      'eval',
      '--checkpoint',
      run,
      '--range',
      '256:320',
      '--importance-samples',
      '20',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = lastJson<{ nll: number; elbo: number; bitsPerDim: number }>(out);
    expect(r.nll).toBeGreaterThan(0);
    expect(r.nll).toBeLessThanOrEqual(-r.elbo + 1e-3);
    expect(Math.abs(r.bitsPerDim - r.nll / (784 * Math.LN2))).toBeLessThan(1e-9);
  });

  it('writes sample, reconstruct and interpolate grids as PNG files', async () => {
    const dir = path.dirname(run);
    expect(
      (
        await elbo([
          'sample',
          '--checkpoint',
          run,
          '--n',
          '10',
          '--columns',
          '5',
          '--out',
          path.join(dir, 's.png'),
          '--backend',
          'wasm',
        ])
      ).code,
    ).toBe(0);
    expect(png(path.join(dir, 's.png')).width).toBe(5 * 28 + 6 * 2);
    expect(
      (
        await elbo([
          'reconstruct',
          '--checkpoint',
          run,
          '--n',
          '4',
          '--columns',
          '4',
          '--out',
          path.join(dir, 'r.png'),
          '--backend',
          'wasm',
        ])
      ).code,
    ).toBe(0);
    expect(png(path.join(dir, 'r.png')).height).toBe(2 * 28 + 3 * 2);
    expect(
      (
        await elbo([
          'interpolate',
          '--checkpoint',
          run,
          '--from',
          '0',
          '--to',
          '3',
          '--steps',
          '6',
          '--out',
          path.join(dir, 'i.png'),
          '--backend',
          'wasm',
        ])
      ).code,
    ).toBe(0);
    expect(png(path.join(dir, 'i.png')).width).toBe(6 * 28 + 7 * 2);
  });

  it('gives a clear error, and no stack trace, for bad input; a failed run leaves the checkpoint in place', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'elbo-bad-'));
    const results = [
      await elbo(['train', '--epochs', '-2', ...small]),
      await elbo(['train', '--model', 'gan', ...small]),
      await elbo(['train', '--backend', 'gpu', ...small]),
      await elbo(['train', '--resume', '--out', path.join(dir, 'none'), '--backend', 'wasm']),
    ];
    expect(results[0]!.err).toContain("--epochs must be an integer ≥ 1, got '-2'");
    expect(results[1]!.err).toMatch(/argument 'gan' is invalid\. Allowed choices are ae, vae/);
    expect(results[2]!.err).toMatch(/argument 'gpu' is invalid/);
    expect(results[3]!.err).toContain('holds no checkpoint to resume');
    // A truncated IDX file.
    const idx = path.join(dir, 'idx');
    mkdirSync(idx);
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);
    writeFileSync(
      path.join(idx, 't10k-images-idx3-ubyte.gz'),
      gzipSync(Buffer.concat([header, Buffer.alloc(100)])),
    );
    writeFileSync(
      path.join(idx, 't10k-labels-idx1-ubyte.gz'),
      gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 10, ...Array(10).fill(1)])),
    );
    const truncated = await elbo([
      'train',
      '--data',
      idx,
      ...small.slice(0, -2),
      '--out',
      path.join(dir, 'r'),
    ]);
    expect(truncated.code).toBe(2);
    expect(truncated.err).toMatch(/t10k-images-idx3-ubyte\.gz/);
    // A corrupt checkpoint: eval names the file; the run folder is left as it was.
    const copy = path.join(dir, 'copy');
    mkdirSync(path.join(copy, 'checkpoint'), { recursive: true });
    writeFileSync(
      path.join(copy, 'checkpoint', 'model.json'),
      readFileSync(path.join(run, 'checkpoint', 'model.json')),
    );
    writeFileSync(
      path.join(copy, 'checkpoint', 'weights.bin'),
      readFileSync(path.join(run, 'checkpoint', 'weights.bin')),
    );
    truncateSync(path.join(copy, 'checkpoint', 'weights.bin'), 1000);
    const corrupt = await elbo(['eval', '--checkpoint', copy, '--range', '0:10', '--backend', 'wasm']);
    expect(corrupt.code).toBe(2);
    expect(corrupt.err).toMatch(/weights\.bin/);
    for (const r of [...results, truncated, corrupt]) expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(run, 'checkpoint', 'model.json'))).toBe(true);
  });
});
