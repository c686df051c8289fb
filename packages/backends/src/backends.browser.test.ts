import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { autoOrder, listBackends, useBackend } from './backends.js';
import { detectPlatform } from './platform.js';

describe('backends in a browser (Chromium)', () => {
  it('detects the browser and prefers webgl', async () => {
    expect(detectPlatform()).toBe('browser');
    expect(autoOrder()).toEqual(['webgl', 'wasm', 'cpu']);
    const choice = await useBackend('auto');
    expect(choice.name).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
  });

  it('starts wasm from the binaries served with the page', async () => {
    const choice = await useBackend('wasm');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()[0])).toBe(3);
  });

  it('lists tensorflow as unavailable in a browser and the rest as available', async () => {
    const list = await listBackends();
    expect(list).toEqual([
      { name: 'tensorflow', available: false, reason: expect.stringContaining('only in Node.js') },
      { name: 'wasm', available: true },
      { name: 'webgl', available: true },
      { name: 'cpu', available: true },
    ]);
  });
});
