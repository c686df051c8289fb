import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIo } from '../testing-io.js';

interface FitReport {
  loc: number;
  scale: number;
  divergence: number;
  history: number[];
}

async function fit(
  args: string[],
): Promise<{ code: number; report: FitReport | null; err: string; out: string }> {
  const io = recordingIo();
  const code = await main(['fit', '--backend', 'wasm', ...args], io);
  const out = io.out();
  return {
    code,
    report: args.includes('--json') ? (JSON.parse(out.trim().split('\n').pop()!) as FitReport) : null,
    err: io.err(),
    out,
  };
}

describe('elbo fit', () => {
  it('forward KL lands on the moment-matched Normal of the target mixture, and writes the animation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'elbo-fit-'));
    const out = path.join(dir, 'fit.gif');
    const before = tf.memory().numTensors;
    const { code, report } = await fit([
      '--divergence',
      'kl-forward',
      '--steps',
      '1500',
      '--lr',
      '0.02',
      '--samples',
      '256',
      '--seed',
      '3',
      '--frames',
      '12',
      '--out',
      out,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // The default target 0.3·N(−2, 0.5²) + 0.7·N(1.5, 1): mean Σ wμ, variance Σ w(σ² + μ²) − mean².
    const w = [0.3, 0.7];
    const mu = [-2, 1.5];
    const sd = [0.5, 1];
    const mean = w[0]! * mu[0]! + w[1]! * mu[1]!;
    const variance = w[0]! * (sd[0]! ** 2 + mu[0]! ** 2) + w[1]! * (sd[1]! ** 2 + mu[1]! ** 2) - mean ** 2;
    expect(Math.abs(report!.loc - mean)).toBeLessThan(0.12);
    expect(Math.abs(report!.scale - Math.sqrt(variance))).toBeLessThan(0.12);
    expect(report!.history).toHaveLength(1500);
    expect(report!.divergence).toBeGreaterThan(0);
    // A real GIF: an independent decoder reads 12 frames of 480×320, and no partial file is left behind.
    const gif = new GifReader(readFileSync(out));
    expect([gif.numFrames(), gif.width, gif.height]).toEqual([12, 480, 320]);
    expect(readdirSync(dir)).toEqual(['fit.gif']);
  });

  it('reverse KL locks onto one mode of a well-separated mixture (KL = log 2)', async () => {
    const { code, report } = await fit([
      '--target-weights',
      '0.5,0.5',
      '--target-locs=-3,3',
      '--target-scales',
      '0.5,0.5',
      '--init-loc',
      '1',
      '--init-scale',
      '1',
      '--steps',
      '800',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(Math.abs(Math.abs(report!.loc) - 3)).toBeLessThan(0.05);
    expect(Math.abs(report!.scale - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(report!.divergence - Math.log(2))).toBeLessThan(0.01);
  });

  it('says what was wrong with the target or the options, and writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'elbo-fit-'));
    const out = path.join(dir, 'fit.gif');
    const r1 = await fit(['--target-locs', '0,1,2', '--out', out]);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain(
      'fit: --target-weights has 2 values, --target-locs 3, --target-scales 2, expected one of each per component',
    );
    const r2 = await fit(['--target-scales', '0.5,-1', '--out', out]);
    expect(r2.err).toContain('fit: --target-scales 0.5,-1, expected numbers > 0');
    const r3 = await fit(['--target-locs', '1,x']);
    expect(r3.err).toContain("--target-locs must be numbers separated by commas, got '1,x'");
    const r4 = await fit(['--divergence', 'wasserstein']);
    expect(r4.err).toMatch(/Allowed choices are kl-reverse, kl-forward, alpha/);
    expect(existsSync(out)).toBe(false);
  });
});
