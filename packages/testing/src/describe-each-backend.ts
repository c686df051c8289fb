import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { beforeAll, describe, expect } from 'vitest';
import { testBackends, TOLERANCE, type Tolerance } from './backends.js';

/** What a test body learns about the backend it runs on. */
export interface BackendContext {
  /** The backend this block runs on (checked against `tf.getBackend()` before the first test). */
  readonly backend: BackendName;
  /** The default tolerance for float32 comparisons on this backend. */
  readonly tolerance: Tolerance;
}

/**
 * Runs one test body once per backend of {@link testBackends}, as `describe('<name> [<backend>]')`. Before
 * the block's first test the backend is started and the test asserts that it is the one really running.
 *
 * @example
 * describeEachBackend('softplus', ({ backend, tolerance }) => {
 *   it('is log(1 + e^x)', () => expectClose(tf.softplus(0), Math.log(2), tolerance));
 * });
 */
export function describeEachBackend(
  name: string,
  body: (context: BackendContext) => void,
  options: { backends?: readonly BackendName[] } = {},
): void {
  const backends = options.backends ?? testBackends();
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        const choice = await useBackend(backend);
        expect(choice.name).toBe(backend);
        expect(tf.getBackend()).toBe(backend);
      });
      body({ backend, tolerance: TOLERANCE[backend] });
    });
  }
}
