import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ElboError, NonFiniteError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { coordinateAscent, type CaviModel } from './coordinate-ascent.js';
import { ElboDecreasedError } from './errors.js';

/** A model whose "updates" replay a scripted ELBO sequence, holding one tensor to check disposal. */
function scripted(values: number[], hold = true): CaviModel<number> & { disposed: () => boolean } {
  let i = -1;
  let held: tf.Tensor | null = hold ? tf.scalar(0) : null;
  return {
    name: 'scriptedModel',
    sweep: () => void (i += 1),
    elbo: () => values[i] as number,
    posterior: () => i,
    dispose: () => {
      held?.dispose();
      held = null;
    },
    disposed: () => held === null,
  };
}

describeEachBackend('coordinateAscent', () => {
  it('a deliberately wrong update that lowers the ELBO throws ElboDecreasedError naming model, iteration and values', async () => {
    await expectNoLeaks(() => {
      const model = scripted([-10, -5, -6]);
      const run = coordinateAscent(model);
      expect(run.step()).toBe(-10);
      expect(run.step()).toBe(-5);
      let error: unknown;
      try {
        run.step();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ElboDecreasedError);
      expect(error).toBeInstanceOf(ElboError);
      expect((error as ElboDecreasedError).code).toBe('E_ELBO_DECREASED');
      expect((error as Error).message).toBe(
        'scriptedModel: the ELBO decreased at iteration 3, from -5 to -6 (by 1, beyond the float tolerance 0.00005); a coordinate update or the ELBO is wrong',
      );
      expect((error as ElboDecreasedError).iteration).toBe(3);
      run.dispose();
      expect(model.disposed()).toBe(true);
    });
  });

  it('tolerates float round-off, stops fit() on convergence, and disposes the model even when fit throws', async () => {
    await expectNoLeaks(() => {
      const records: number[] = [];
      const result = coordinateAscent(scripted([-10, -9, -9.000001, -9.0000011, -8]), {
        tolerance: 1e-6,
        onSweep: (r) => void records.push(r.iteration),
      }).fit();
      expect(result).toMatchObject({ converged: true, iterations: 3, posterior: 2 });
      expect(result.elbo).toEqual([-10, -9, -9.000001]);
      expect(records).toEqual([1, 2, 3]);

      const nan = scripted([-3, Number.NaN]);
      expect(() => coordinateAscent(nan).fit()).toThrow(NonFiniteError);
      expect(nan.disposed()).toBe(true);
      expect(() => coordinateAscent(scripted([-3, Number.NaN])).fit()).toThrow(
        'scriptedModel: the ELBO is NaN after iteration 2 (last finite values -3)',
      );
    });
  });

  it('honours maxIterations and an onSweep that returns false', () => {
    const capped = coordinateAscent(scripted([-5, -4, -3, -2, -1]), { maxIterations: 2 }).fit();
    expect(capped).toMatchObject({ converged: false, iterations: 2 });
    const stopped = coordinateAscent(scripted([-5, -4, -3, -2, -1]), {
      onSweep: (r) => r.iteration < 3,
    }).fit();
    expect(stopped.iterations).toBe(3);
  });
});

describe('coordinateAscent options', () => {
  it('rejects unknown and malformed options', () => {
    expect(() => coordinateAscent(scripted([], false), { tol: 1 } as never)).toThrow(ArgumentError);
    expect(() => coordinateAscent(scripted([], false), { maxIterations: 0 })).toThrow(
      'scriptedModel: options.maxIterations is 0, expected an integer ≥ 1',
    );
    expect(() => coordinateAscent(scripted([], false), { onSweep: 1 } as never)).toThrow(
      "option 'onSweep' is a number",
    );
    const run = coordinateAscent(scripted([-1], false));
    run.dispose();
    expect(() => run.step()).toThrow('scriptedModel.step: the run was disposed');
  });
});
