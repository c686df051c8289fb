// Every sampler checks its seed and shape at the boundary and names itself and the argument.
import type * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import { bernoulli } from './bernoulli.js';
import { beta } from './beta.js';
import { categorical } from './categorical.js';
import { dirichlet } from './dirichlet.js';
import { gamma } from './gamma.js';
import { normal } from './normal.js';
import { poisson } from './poisson.js';
import type { Seed } from './seed.js';
import { uniform } from './uniform.js';

type Draw = (shape: number[], s: Seed | number) => tf.Tensor | Uint32Array;

const WITH_SHAPE: ReadonlyArray<readonly [string, Draw, string]> = [
  ['uniform', (shape, s) => uniform(shape, s), 'shape'],
  ['normal', (shape, s) => normal(shape, s), 'shape'],
  ['gamma', (shape, s) => gamma(shape, 2, s), 'shape'],
  ['poisson', (shape, s) => poisson(shape, 2, s), 'shape'],
  ['beta', (shape, s) => beta(shape, 2, 3, s), 'shape'],
  ['dirichlet', (shape, s) => dirichlet(shape, 1, s), 'shape'],
  ['bernoulli', (shape, s) => bernoulli(0.5, s, shape), 'sampleShape'],
  ['categorical', (shape, s) => categorical([0, 1], s, shape), 'sampleShape'],
];

const BAD_SEEDS: ReadonlyArray<readonly [unknown, string]> = [
  [-1, 'is -1'],
  [1.5, 'is 1.5'],
  [NaN, 'is NaN'],
  [2 ** 53, 'is 9007199254740992'],
  ['7', 'is the string "7"'],
  [{ key: [1] }, "is an object without a valid 'key'"],
  [null, 'is null'],
];

const BAD_SHAPES: ReadonlyArray<readonly [unknown, string]> = [
  [[-1], 'is [-1]'],
  [[2, 0.5], 'is [2,0.5]'],
  [[NaN], 'is [NaN]'],
  [['3'], 'is [string]'],
  [5, 'is the number 5'],
];

describeEachBackend('sampler arguments', () => {
  it('bad seeds are ArgumentErrors naming the sampler and the seed', async () => {
    await expectNoLeaks(() => {
      for (const [name, draw] of WITH_SHAPE) {
        for (const [bad, what] of BAD_SEEDS) {
          expect(() => draw([2], bad as number), `${name}, seed ${String(bad)}`).toThrow(ArgumentError);
          expect(() => draw([2], bad as number)).toThrow(`${name}: argument 'seed' ${what}`);
        }
      }
    });
  });

  it('bad shapes are ShapeErrors naming the sampler and the argument', async () => {
    await expectNoLeaks(() => {
      for (const [name, draw, arg] of WITH_SHAPE) {
        for (const [bad, what] of BAD_SHAPES) {
          expect(() => draw(bad as number[], 1), `${name}, shape ${String(bad)}`).toThrow(ShapeError);
          expect(() => draw(bad as number[], 1)).toThrow(`${name}: argument '${arg}' ${what}`);
        }
      }
    });
  });
});
