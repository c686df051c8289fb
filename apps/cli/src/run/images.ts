import { ArgumentError } from '@elbo/core';
import { binarize, loadMnist, loadMnistIdx, type ImageSet } from '@elbo/datasets';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** How `--binarize` turns intensities into training data. */
export type BinarizeName = 'threshold' | 'dynamic' | 'none';
export const BINARIZE_NAMES: readonly BinarizeName[] = ['threshold', 'dynamic', 'none'];

/**
 * The images of `--data mnist|DIR` and `--range a:b`: `mnist` is the 10,000 digits shipped with
 * `@elbo/datasets`; DIR holds IDX files of the MNIST family (train-* if present, else t10k-*; gzipped
 * or not), e.g. what `elbo data download` wrote.
 */
export async function loadImages(data: string, range: string | undefined, fn: string): Promise<ImageSet> {
  const r = range === undefined ? {} : { range };
  if (data === 'mnist') return loadMnist(r);
  if (!existsSync(data)) {
    throw new ArgumentError(`${fn}: --data '${data}' is neither 'mnist' nor an existing folder of IDX files`);
  }
  for (const prefix of ['train', 't10k']) {
    for (const ext of ['.gz', '']) {
      const images = path.join(data, `${prefix}-images-idx3-ubyte${ext}`);
      const labels = path.join(data, `${prefix}-labels-idx1-ubyte${ext}`);
      if (existsSync(images) && existsSync(labels)) return loadMnistIdx({ images, labels, ...r });
    }
  }
  throw new ArgumentError(
    `${fn}: --data '${data}' has no train-images-idx3-ubyte[.gz] or t10k-images-idx3-ubyte[.gz] with its labels file`,
  );
}

/** The batches' binarisation option of `--binarize`. */
export function binarizeOption(
  name: BinarizeName,
): { method: 'threshold' } | { method: 'dynamic' } | { method: 'none' } {
  return { method: name };
}

/**
 * Float images [N·H·W] in [0, 1] for evaluation: thresholded, dynamically binarised from `seed` (epoch 0),
 * or intensities.
 */
export function evaluationPixels(set: ImageSet, name: BinarizeName, seed: number): Float32Array {
  if (name === 'dynamic') return binarize(set, { method: 'dynamic', seed, epoch: 0 });
  return binarize(set, name === 'threshold' ? { method: 'threshold' } : { method: 'none' });
}
