import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { random, seed } from '@elbo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeCheckpoint } from '../checkpoint/checkpoint-format.js';
import { fit, loadCheckpoint } from '../checkpoint/node.js';
import { createLinearGaussian, linearGaussianData, linearGaussianRows } from './fixtures/linear-gaussian.js';

// The SIGKILL test: a child process trains with checkpoints and is killed with SIGKILL at seeded random
// moments after its first checkpoint; each time the directory must hold one loadable checkpoint, and the
// last resume must finish with exactly the weights of an uninterrupted run.
const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '../..');
const child = path.join(here, 'fixtures', 'train-child.mjs');
const root = mkdtempSync(path.join(tmpdir(), 'elbo-kill-'));
const EPOCHS = 40; // 20 steps each

beforeAll(() => {
  // The child imports dist/: build it (incremental, a no-op when up to date; `pnpm test` built it already).
  const tsc = path.resolve(packageRoot, '../../node_modules/typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', path.join(packageRoot, 'tsconfig.json')], {
    encoding: 'utf8',
  });
  const entry = path.join(packageRoot, 'dist/checkpoint/node.js');
  if (!existsSync(entry))
    throw new Error(`building @elbo/models for the child failed:\n${build.stdout}${build.stderr}`);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after its first `epoch` line. */
function runChild(
  dir: string,
  mode: 'fresh' | 'resume',
  killAfterMs?: number,
): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(EPOCHS), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    p.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterMs !== undefined && timer === undefined && /epoch \d+/.test(out)) {
        timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ out, killed: true });
      else if (code === 0) resolve({ out, killed: false });
      else reject(new Error(`train-child exited with ${code}: ${err}`));
    });
  });
}

describe('fit under SIGKILL (Node, child process)', () => {
  it('a killed run leaves one loadable checkpoint, and resuming completes to the requested epoch', async () => {
    const dir = path.join(root, 'ckpt');
    // Seeded kill delays (ms after the first checkpoint of each run): 0–150 ms into training.
    const delays = Array.from(random.uniform([3], seed(2024)).dataSync(), (u) => Math.floor(u * 150));
    let kills = 0;
    let lastEpoch = 0;
    for (const [i, delay] of delays.entries()) {
      const { out, killed } = await runChild(dir, i === 0 ? 'fresh' : 'resume', delay);
      if (!killed) break; // finished before the kill: nothing left to interrupt
      kills += 1;
      const leftovers = readdirSync(root).filter((f) => f !== 'ckpt' && f !== 'ckpt.old' && f !== 'ckpt.tmp');
      expect(leftovers).toEqual([]);
      const ckpt = await loadCheckpoint(dir);
      expect(ckpt.epoch).toBeGreaterThanOrEqual(Math.max(1, lastEpoch));
      expect(ckpt.step).toBe(ckpt.epoch * 20);
      expect(ckpt.metrics).toHaveLength(ckpt.epoch);
      // The checkpoint is at least as new as the last epoch the child reported before the kill.
      const reported = Math.max(...[...out.matchAll(/epoch (\d+)/g)].map((m) => Number(m[1])));
      expect(ckpt.epoch).toBeGreaterThanOrEqual(reported);
      lastEpoch = ckpt.epoch;
      disposeCheckpoint(ckpt);
    }
    expect(kills).toBeGreaterThan(0);
    const { out } = await runChild(dir, 'resume');
    expect(out).toMatch(new RegExp(`done ${EPOCHS} ${EPOCHS * 20}`));
    expect(readdirSync(root)).toEqual(['ckpt']);

    // The interrupted-and-resumed run ends with exactly the weights of an uninterrupted one (in-process).
    const model = createLinearGaussian({ kind: 'linear-gaussian', dimension: 3 });
    await fit({
      model,
      data: linearGaussianData(linearGaussianRows(80, 3), 4),
      epochs: EPOCHS,
      seed: 11,
      klWarmup: 30,
    });
    const ckpt = await loadCheckpoint(dir);
    expect([ckpt.epoch, ckpt.step]).toEqual([EPOCHS, EPOCHS * 20]);
    for (const [k, v] of Object.entries(model.variables)) {
      expect(Array.from(ckpt.variables[k]!.dataSync()), k).toEqual(Array.from(v.dataSync()));
    }
    disposeCheckpoint(ckpt);
    model.dispose();
  }, 120_000);
});
