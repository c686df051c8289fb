/// <reference types="vite/client" />
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { expect, it } from 'vitest';
import data from '../../../../packages/distributions/src/fixtures/distributions.json' with { type: 'json' };
import { evaluateReferences, WEBGL_TOLERANCE } from './evaluate.js';
import type { ReferenceFile } from './reference-file.js';

/** The team's shared reference file, when the checkout has ../shared beside it (absent on a fresh clone). */
const sharedFiles = import.meta.glob<{ default: unknown }>('../../../../../shared/refs/distributions.json');
const loadShared = Object.values(sharedFiles)[0];

async function evaluateOnWebgl(refs: unknown) {
  const choice = await useBackend('webgl');
  expect(choice.name).toBe('webgl');
  expect(tf.getBackend()).toBe('webgl');
  const before = tf.memory().numTensors;
  const { results } = evaluateReferences(refs as ReferenceFile, WEBGL_TOLERANCE);
  expect(tf.memory().numTensors).toBe(before);
  return results
    .filter((r) => !r.pass)
    .map((r) => `${r.kind} ${r.family} ${r.quantity}${r.error !== undefined ? `: ${r.error}` : ''}`);
}

it('the project reference file passes on webgl in Chromium within the documented WebGL tolerance', async () => {
  // As on cpu and wasm (conformance.node.test.ts): two edge cases evaluate a density at a point float32
  // cannot hold, out of reach of any float32 code; everything else passes within WEBGL_TOLERANCE.
  expect(await evaluateOnWebgl(data)).toEqual([
    'distribution Beta log_prob',
    'distribution Dirichlet log_prob',
  ]);
});

it.skipIf(loadShared === undefined)(
  '../shared/refs/distributions.json passes completely on webgl (cross-check; skipped where ../shared is absent)',
  async () => {
    const shared = await loadShared!();
    expect(await evaluateOnWebgl(shared.default)).toEqual([]);
  },
);
