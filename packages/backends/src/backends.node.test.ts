import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from '@elbo/core';
import { createRequire } from 'node:module';
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
