import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError } from '@elbo/core';
import { disposeCheckpoint, modelFromCheckpoint, type createModel } from '@elbo/models';
import { loadCheckpoint } from '@elbo/models/node';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The checkpoint folder of a run folder (`--out DIR` of `elbo train` writes DIR/checkpoint). */
export function checkpointDir(dir: string): string {
  return existsSync(path.join(dir, 'model.json')) ? dir : path.join(dir, 'checkpoint');
}

/** A model rebuilt from a checkpoint (`--checkpoint DIR`: a run folder or the checkpoint folder itself). */
export async function loadModel(dir: string): Promise<ReturnType<typeof createModel>> {
  const location = checkpointDir(dir);
  if (!existsSync(path.join(location, 'model.json')) && !existsSync(`${location}.old`)) {
    throw new DataFormatError(`--checkpoint '${dir}' holds no checkpoint (no model.json in ${location})`);
  }
  const checkpoint = await loadCheckpoint(location);
  try {
    return modelFromCheckpoint(checkpoint, location);
  } finally {
    disposeCheckpoint(checkpoint);
  }
}

/**
 * Keeps tf's memory in check in long CLI loops: runs `body` in a tidy scope and returns plain numbers
 * (read after the scope: tf.tidy walks what it returns element by element, slow for a large array).
 */
export function numbersOf(body: () => tf.Tensor): Float32Array {
  const t = tf.tidy(body);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
