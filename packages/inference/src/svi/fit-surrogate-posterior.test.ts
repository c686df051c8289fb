import * as tf from '@tensorflow/tfjs-core';
import { amariAlpha, klForward } from '@elbo/divergences';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { meanFieldGuide } from '../guides/mean-field-guide.js';
import { fitSurrogatePosterior } from './fit-surrogate-posterior.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';

// Target: the mixture ½N(−2, 0.6²) + ½N(2, 0.6²), log density written out here (not through the library).
// Forward KL(p‖q) over Normals is minimised by moment matching: mean 0, variance Σπₖ(σₖ² + μₖ²) − 0² =
// 0.36 + 4 = 4.36. Reverse KL(q‖p) from a start on the right settles on the right mode: loc ≈ 2, scale
// ≈ 0.6 (the other component's mass there is e^−22 relative, negligible).
const MU = 2;
const SD = 0.6;
const LOG_2PI = Math.log(2 * Math.PI);

function mixtureLogProb(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const component = (mu: number) =>
      tf.sub(tf.mul(-0.5, tf.square(tf.div(tf.sub(z, mu), SD))), Math.log(SD) + 0.5 * LOG_2PI);
    const a = component(-MU);
    const b = component(MU);
    const m = tf.maximum(a, b);
    return tf.add(m, tf.log(tf.mul(0.5, tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m))))));
  });
}

const read = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describeEachBackend('fitSurrogatePosterior', () => {
  it('forward KL lands on the moment-matched Normal of a two-component mixture (iterates averaged through trace)', async () => {
    const guide = meanFieldGuide({ shape: [], loc: 0.5, scale: 1.5 });
    const fast = tf.train.adam(0.05);
    const slow = tf.train.adam(0.01);
    fitSurrogatePosterior(mixtureLogProb, guide, {
      optimizer: fast,
      steps: 150,
      samples: 128,
      seed: 1,
      divergence: klForward,
    });
    fitSurrogatePosterior(mixtureLogProb, guide, {
      optimizer: slow,
      steps: 1,
      samples: 128,
      seed: 2,
      divergence: klForward,
    });
    const steps: number[] = [];
    const locs: number[] = [];
    const scales: number[] = [];
    const { losses } = await expectNoLeaks(() =>
      fitSurrogatePosterior(mixtureLogProb, guide, {
        optimizer: slow,
        steps: 300,
        samples: 256,
        seed: 3,
        divergence: klForward,
        trace: ({ step, surrogate }) => {
          steps.push(step);
          if (step > 100) {
            const p = surrogate.parameters();
            locs.push(read(p['loc']!));
            scales.push(read(p['scale']!));
          }
        },
      }),
    );
    expect(losses).toHaveLength(300);
    expect(steps).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expectClose(mean(locs), 0, { atol: 0.1, rtol: 0 });
    expectClose(mean(scales), Math.sqrt(SD * SD + MU * MU), { atol: 0, rtol: 0.05 });
    guide.dispose();
    fast.dispose();
    slow.dispose();
  });

  it('reverse KL (the default) settles on one mode; Amari α = 0.5 ends wider than reverse KL', async () => {
    const guide = meanFieldGuide({ shape: [], loc: 1, scale: 0.5 });
    const optimizer = tf.train.adam(0.05);
    fitSurrogatePosterior(mixtureLogProb, guide, { optimizer, steps: 1, seed: 3 });
    await expectNoLeaks(() => {
      fitSurrogatePosterior(mixtureLogProb, guide, { optimizer, steps: 400, samples: 16, seed: 4 });
    });
    const p = guide.parameters();
    const loc = read(p['loc']!);
    const scale = read(p['scale']!);
    expectClose(loc, MU, { atol: 0.1, rtol: 0 });
    expectClose(scale, SD, { atol: 0, rtol: 0.1 });
    const alphaGuide = meanFieldGuide({ shape: [], loc: 0.5, scale: 1 });
    const alphaOptimizer = tf.train.adam(0.05);
    fitSurrogatePosterior(mixtureLogProb, alphaGuide, {
      optimizer: alphaOptimizer,
      steps: 400,
      samples: 64,
      seed: 4,
      divergence: amariAlpha(0.5),
    });
    const pa = alphaGuide.parameters();
    read(pa['loc']!);
    expect(read(pa['scale']!)).toBeGreaterThan(scale);
    guide.dispose();
    alphaGuide.dispose();
    optimizer.dispose();
    alphaOptimizer.dispose();
  });

  it('stops on a non-finite target with the step and the term, and rejects bad options', () => {
    const guide = meanFieldGuide({ shape: [], loc: 0, scale: 1 });
    const optimizer = tf.train.adam(0.05);
    let calls = 0;
    const target = (z: tf.Tensor) => {
      calls += 1;
      return calls === 3 ? tf.log(tf.sub(tf.mul(z, 0), 1)) : tf.neg(tf.square(z));
    };
    expect(() => fitSurrogatePosterior(target, guide, { optimizer, steps: 5, seed: 0 })).toThrow(
      NonFiniteLossError,
    );
    calls = 0;
    try {
      fitSurrogatePosterior(target, guide, { optimizer, steps: 5, seed: 0 });
    } catch (e) {
      expect((e as NonFiniteLossError).step).toBe(3);
      expect((e as NonFiniteLossError).term).toBe('targetLogProb');
      expect((e as Error).message).toMatch(
        /fitSurrogatePosterior: at step 3 .*'targetLogProb' is NaN.*step 2/,
      );
    }
    expect(() =>
      fitSurrogatePosterior(mixtureLogProb, guide, { optimizer, steps: 5, seed: 0, lr: 1 } as never),
    ).toThrow(/unknown option 'lr'/);
    expect(() => fitSurrogatePosterior(mixtureLogProb, guide, { optimizer, steps: 0, seed: 0 })).toThrow(
      /'options.steps' is 0/,
    );
    expect(() =>
      fitSurrogatePosterior((z) => tf.stack([z, z], 1), guide, { optimizer, steps: 1, samples: 2, seed: 0 }),
    ).toThrow(/'targetLogProb' returned shape \[2,2\] for z of shape \[2\], expected \[2\]/);
    guide.dispose();
    optimizer.dispose();
  });
});
