import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, BackendUnavailableError } from '@elbo/core';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { autoOrder, listBackends, useBackend } from './backends.js';
import { detectPlatform } from './platform.js';

/** Whether tfjs-node's native binding loads here, judged without @elbo/backends. */
function nativeBindingLoads(): boolean {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('backends in Node.js', () => {
  it('detects Node and orders auto as tensorflow > wasm > cpu', () => {
    expect(detectPlatform()).toBe('node');
    expect(autoOrder()).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(autoOrder('browser')).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it('lists every backend with availability and a reason for each unavailable one', async () => {
    const list = await listBackends();
    expect(list.map((b) => b.name)).toEqual(['tensorflow', 'wasm', 'webgl', 'cpu']);
    const byName = Object.fromEntries(list.map((b) => [b.name, b]));
    expect(byName['wasm']?.available).toBe(true);
    expect(byName['cpu']?.available).toBe(true);
    expect(byName['webgl']).toEqual({
      name: 'webgl',
      available: false,
      reason: expect.stringContaining('browser'),
    });
    expect(byName['tensorflow']?.available).toBe(nativeBindingLoads());
    if (byName['tensorflow']?.available === false) {
      // The reason names the package and says how to fix it.
      expect(byName['tensorflow'].reason).toMatch(/@tensorflow\/tfjs-node/);
      expect(byName['tensorflow'].reason).toMatch(/reinstall|install one/);
    }
  });

  it('auto picks tensorflow where its binding loads, else wasm, and says why', async () => {
    const choice = await useBackend('auto');
    expect(tf.getBackend()).toBe(choice.name);
    if (nativeBindingLoads()) {
      expect(choice.name).toBe('tensorflow');
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.reason).toContain('tensorflow unavailable');
      expect(choice.reason).toContain('@tensorflow/tfjs-node');
    }
  });

  it('a named backend that cannot start throws BackendUnavailableError with the cause', async () => {
    const error = await useBackend('webgl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(
      /^useBackend: backend 'webgl' cannot start here: WebGL needs a browser/,
    );
  });

  it('loads the wasm binaries from the package, not the network', async () => {
    const fetchBefore = globalThis.fetch;
    let fetched = 0;
    globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
      fetched++;
      return fetchBefore(...args);
    }) as typeof fetch;
    try {
      await useBackend('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()[0])).toBe(3);
    } finally {
      globalThis.fetch = fetchBefore;
    }
    expect(fetched).toBe(0);
  });
});

interface ChildReport {
  choice: { name: string; reason: string; threads?: number };
  reported: number;
  checksum: number;
  first: number[];
}

/** Starts wasm in a fresh Node process (threads are fixed once per process) and reads its report. */
function wasmChild(threads: number | 'default'): ChildReport {
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'wasm-threads-child.mjs');
  const run = spawnSync(process.execPath, [child, String(threads)], { encoding: 'utf8', timeout: 60_000 });
  // A child still running at the timeout is killed with SIGTERM: the threads held the process open.
  expect(run.signal, `the child did not exit by itself: ${run.stderr}`).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as ChildReport;
}

describe('wasm threads in Node.js', () => {
  it('runs XNNPACK on the threads asked for, with the same numbers as one thread, and exits by itself', () => {
    const one = wasmChild(1);
    const two = wasmChild(2);
    expect(one.choice).toMatchObject({ name: 'wasm', threads: 1 });
    expect(one.choice.reason).toContain('WebAssembly on one thread');
    expect(one.reported).toBe(1);
    expect(two.choice).toMatchObject({ name: 'wasm', threads: 2 });
    expect(two.choice.reason).toContain('WebAssembly on 2 threads');
    // tfjs's own count: the threaded build really started, with a pool of two.
    expect(two.reported).toBe(2);
    // Each output is one dot product either way; threads only split the rows between them.
    expect(two.first).toEqual(one.first);
    expect(Math.abs(two.checksum - one.checksum)).toBeLessThanOrEqual(1e-6 * Math.abs(one.checksum) + 1e-3);
  });

  it('takes every core Node may use by default (at most 8)', () => {
    const cores = Math.min(8, availableParallelism());
    const report = wasmChild('default');
    expect(report.choice.threads).toBe(cores);
    expect(report.reported).toBe(cores);
  });

  it('rejects a thread count outside 1..8, naming the option', async () => {
    for (const bad of [0, 9, 1.5, '2', Number.NaN]) {
      const error = await useBackend('wasm', { threads: bad as number }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toMatch(
        /^useBackend: option 'threads' is .*, expected a whole number from 1 to 8/,
      );
    }
  });

  it('keeps the count wasm started with in this process, and says so when asked for another', async () => {
    const started = await useBackend('wasm');
    expect(started.threads).toBeGreaterThanOrEqual(1);
    const other = started.threads === 1 ? 2 : 1;
    const again = await useBackend('wasm', { threads: other });
    expect(again.threads).toBe(started.threads);
    expect(again.reason).toContain(
      `not the ${other} asked for: the count is fixed when wasm first starts in a process`,
    );
    const same = await useBackend('wasm', { threads: started.threads! });
    expect(same.reason).not.toContain('asked for:');
  });
});
