import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` (sync or async) and throws if it left more tensors alive than before, after disposing what
 * it returned when `disposeResult` is set. Returns `fn`'s result.
 *
 * @example await expectNoLeaks(() => tf.tidy(() => tf.add(1, 2).dataSync()));
 */
export async function expectNoLeaks<T>(
  fn: () => T | Promise<T>,
  options: { disposeResult?: boolean } = {},
): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  if (options.disposeResult === true) tf.dispose(result as tf.TensorContainer);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `expectNoLeaks: ${after - before} tensor(s) leaked (numTensors ${before} before, ${after} after)`,
    );
  }
  return result;
}
