import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { FillScaleTriL, fillScaleTriL } from './fill-scale-tril.js';

const softplus = (v: number): number => Math.log1p(Math.exp(v));

/** log|det A| of a square matrix (row-major nested arrays), by Gaussian elimination with pivoting in float64. */
function logAbsDet(rows: number[][]): number {
  const a = rows.map((r) => [...r]);
  const n = a.length;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    sum += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / pivot;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return sum;
}

describeEachBackend('FillScaleTriL', ({ backend, tolerance }) => {
  const webgl = backend === 'webgl';

  it("fills the lower triangle in TFP's fill_triangular order, softplus on the diagonal", async () => {
    await expectNoLeaks(() => {
      // tfp.math.fill_triangular([1, 2, 3, 4, 5, 6]) = [[4, 0, 0], [6, 5, 0], [3, 2, 1]] (TFP's documentation).
      const b = new FillScaleTriL({ diagShift: 0 });
      const y = b.forward([1, 2, 3, 4, 5, 6]);
      expectClose(
        y,
        [
          [softplus(4), 0, 0],
          [6, softplus(5), 0],
          [3, 2, softplus(1)],
        ],
        tolerance,
      );
      const x = b.inverse(y);
      expectClose(x, [1, 2, 3, 4, 5, 6], { atol: 1e-5, rtol: 1e-5 });
      // n = 1 and n = 2, with the default diagShift 1e-5.
      const d = fillScaleTriL();
      expect(d.diagShift).toBe(1e-5);
      const one = d.forward([[0]]);
      expectClose(one, [[[Math.LN2 + 1e-5]]], tolerance);
      const two = d.forward([1, 2, 3]);
      expectClose(
        two,
        [
          [softplus(3) + 1e-5, 0],
          [2, softplus(1) + 1e-5],
        ],
        tolerance,
      );
      tf.dispose([y, x, one, two]);
    });
  });

  it('has log|det J| equal to the log-determinant of the autodiff Jacobian', async () => {
    await expectNoLeaks(() => {
      const b = new FillScaleTriL();
      const xs = [0.3, -1.2, 2.5, -0.7, 1.1, -2.0];
      const x = tf.tensor(xs);
      // Row (i, j) of the Jacobian of the n(n+1)/2 lower-triangular outputs, one gradient per output.
      const rows: number[][] = [];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j <= i; j++) {
          const g = tf.grad((t: tf.Tensor) =>
            tf.sum(tf.slice(tf.reshape(b.forward(t), [9]), [i * 3 + j], [1])),
          )(x);
          rows.push(Array.from(g.dataSync()));
          g.dispose();
        }
      }
      const ldj = b.forwardLogDetJacobian(x, 1);
      expectClose(ldj, logAbsDet(rows), webgl ? { atol: 2e-3, rtol: 2e-3 } : { atol: 1e-5, rtol: 1e-5 });
      const y = b.forward(x);
      const ildj = b.inverseLogDetJacobian(y, 2);
      expectClose(ildj, -logAbsDet(rows), webgl ? { atol: 2e-3, rtol: 2e-3 } : { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([x, ldj, y, ildj]);
    });
  });

  it('round-trips batches and reduces extra event axes', async () => {
    await expectNoLeaks(() => {
      const b = new FillScaleTriL();
      const x = tf.tensor(
        Array.from({ length: 36 }, (_, i) => Math.sin(i) * 3),
        [2, 3, 6],
      );
      const y = b.forward(x);
      expect(y.shape).toEqual([2, 3, 3, 3]);
      const back = b.inverse(y);
      expectClose(back, x, webgl ? { atol: 1e-3, rtol: 1e-3 } : { atol: 2e-5, rtol: 2e-5 });
      const per = b.forwardLogDetJacobian(x, 1);
      const all = b.forwardLogDetJacobian(x, 2);
      expect(per.shape).toEqual([2, 3]);
      expect(all.shape).toEqual([2]);
      const summed = tf.sum(per, -1);
      expectClose(all, summed, { atol: 1e-5, rtol: 1e-5 });
      const inside = b.codomain.contains(y);
      expect(Array.from(inside.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
      tf.dispose([x, y, back, per, all, summed, inside]);
    });
  });

  it('passes gradients through forward', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor([0, 5, -1]);
      // fill_triangular([a, b, c]) = [[c, 0], [b, a]], so Σ L = softplus(c) + b + softplus(a) + 2·diagShift
      // and d/dx Σ L = [σ(a), 1, σ(c)].
      const g = tf.grad((t: tf.Tensor) => tf.sum(new FillScaleTriL().forward(t)))(x);
      expectClose(g, [0.5, 1, 1 / (1 + Math.E)], tolerance);
      tf.dispose([x, g]);
    });
  });
});

describe('FillScaleTriL input checks', () => {
  it('rejects a vector length that is not triangular, and non-square matrices', () => {
    const b = new FillScaleTriL();
    expect(() => b.forward([1, 2, 3, 4])).toThrow(ShapeError);
    expect(() => b.forward([1, 2, 3, 4])).toThrow(
      "FillScaleTriL.forward: argument 'x' has shape [4], expected [..., n(n+1)/2] (a last axis of 1, 3, 6, 10, ... entries)",
    );
    expect(() => b.inverse([[1, 2, 3]])).toThrow(
      "FillScaleTriL.inverse: argument 'y' has shape [1,3], expected [..., n, n]",
    );
    expect(() => b.forwardShape([5])).toThrow(ShapeError);
  });

  it('rejects a bad diagShift or an unknown option', () => {
    expect(() => new FillScaleTriL({ diagShift: -1 })).toThrow(DomainError);
    expect(() => new FillScaleTriL({ diagShift: '1' as unknown as number })).toThrow(ArgumentError);
    expect(() => new FillScaleTriL({ shift: 1 } as unknown as { diagShift: number })).toThrow(
      "FillScaleTriL: unknown option 'shift' (known options: diagShift)",
    );
  });
});
