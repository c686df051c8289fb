import { describe, expect, it } from 'vitest';
import fixture from './fixtures/random.json' with { type: 'json' };
import { digamma64, logGamma64 } from './special64.js';

const { x, lgamma, digamma } = fixture.special;

describe('logGamma64 and digamma64 (float64 helpers)', () => {
  it('match scipy.special.gammaln to 1e-14 absolute (+ relative for large values)', () => {
    x.forEach((xi, i) => {
      const expected = lgamma[i] as number;
      expect(Math.abs(logGamma64(xi) - expected), `x = ${xi}`).toBeLessThanOrEqual(
        1e-14 + 1e-15 * Math.abs(expected),
      );
    });
  });

  it('match scipy.special.psi to 1e-14 relative', () => {
    x.forEach((xi, i) => {
      const expected = digamma[i] as number;
      expect(Math.abs(digamma64(xi) - expected), `x = ${xi}`).toBeLessThanOrEqual(
        1e-14 * Math.abs(expected) + 1e-15,
      );
    });
  });
});
