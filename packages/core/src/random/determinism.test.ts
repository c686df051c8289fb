// "The same seed gives the same draws on every backend": every sampler computes its values in
// JavaScript and uploads them, so the downloaded arrays must be bit-identical to the cpu backend's.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { bernoulli } from './bernoulli.js';
import { beta } from './beta.js';
import { categorical } from './categorical.js';
import { dirichlet } from './dirichlet.js';
import { gamma } from './gamma.js';
import { normal } from './normal.js';
import { poisson } from './poisson.js';
import { foldIn, seed, splitSeed, type Seed } from './seed.js';
import { uniform } from './uniform.js';

const SAMPLERS: ReadonlyArray<readonly [string, (s: Seed) => tf.Tensor]> = [
  ['uniform', (s) => uniform([257], s, { low: -3, high: 7 })],
  ['normal', (s) => normal([16, 17], s)],
  ['bernoulli', (s) => bernoulli([0.2, 0.7, 0.5], s, [100])],
  [
    'categorical',
    (s) =>
      categorical(
        [
          [0, 1, 2],
          [3, -1, -Infinity],
        ],
        s,
        [100],
      ),
  ],
  ['gamma', (s) => gamma([100, 4], [0.05, 0.9, 3, 250], s)],
  ['poisson', (s) => poisson([100, 4], [0.3, 7, 60, 4000], s)],
  ['beta', (s) => beta([100, 2], [0.02, 3], [0.5, 40], s)],
  ['dirichlet', (s) => dirichlet([100, 3], [0.05, 1, 9], s)],
];

function drawAll(s: Seed): number[][] {
  return SAMPLERS.map(([, draw]) => {
    const t = draw(s);
    const values = Array.from(t.dataSync());
    t.dispose();
    return values;
  });
}

describeEachBackend('determinism', ({ backend }) => {
  it('gives bit-identical draws here and on the cpu backend', async () => {
    await expectNoLeaks(async () => {
      const here = drawAll(seed(2024));
      await useBackend('cpu');
      let reference: number[][];
      try {
        reference = drawAll(seed(2024));
      } finally {
        await useBackend(backend);
      }
      expect(tf.getBackend()).toBe(backend);
      SAMPLERS.forEach(([name], i) => {
        expect(here[i], `${name} on ${backend} vs cpu`).toEqual(reference[i]);
      });
    });
  });

  it('repeats a draw with the same seed; different, split and folded seeds give different draws', async () => {
    await expectNoLeaks(() => {
      const base = drawAll(seed(7));
      const again = drawAll(seed(7));
      const [childA, childB] = splitSeed(seed(7), 2) as [Seed, Seed];
      const others = [drawAll(seed(8)), drawAll(childA), drawAll(childB), drawAll(foldIn(seed(7), 0))];
      SAMPLERS.forEach(([name], i) => {
        expect(again[i], name).toEqual(base[i]);
        for (const other of others) expect(other[i], name).not.toEqual(base[i]);
      });
      expect(drawAll(childA)[1]).not.toEqual(drawAll(childB)[1]);
    });
  });
});
