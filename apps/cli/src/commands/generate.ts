import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import type { Io } from '../io.js';
import { writeImageGrid } from '../run/grids.js';
import { evaluationPixels, loadImages, type BinarizeName } from '../run/images.js';
import { loadModel } from '../run/model.js';

/** Options shared by `elbo sample`, `elbo reconstruct` and `elbo interpolate`. */
export interface GenerateOptions {
  readonly checkpoint: string;
  readonly out: string;
  readonly seed: number;
  readonly backend: BackendName | 'auto';
  readonly n: number;
  readonly columns: number;
  readonly temperature: number;
  readonly data: string;
  readonly range?: string;
  readonly binarize: BinarizeName;
  readonly from: number;
  readonly to: number;
  readonly steps: number;
}

/**
 * `elbo sample | reconstruct | interpolate`: a PNG grid of n draws from the prior (at a temperature), of
 * n images (odd rows) above their reconstructions (even rows), or of the decoded straight line between
 * the posterior means of two images (`--from`, `--to`: indices in the data set).
 */
export async function generateCommand(
  kind: 'sample' | 'reconstruct' | 'interpolate',
  o: GenerateOptions,
  io: Io,
): Promise<number> {
  await useBackend(o.backend);
  const model = await loadModel(o.checkpoint);
  try {
    let grid: tf.Tensor;
    let columns = o.columns;
    if (kind === 'sample') {
      if (!('sample' in model)) {
        throw new ArgumentError(
          `sample: --checkpoint '${o.checkpoint}' is an auto-encoder, which has no prior to sample; expected a VAE`,
        );
      }
      grid = model.sample(o.n, o.seed, o.temperature);
    } else {
      const set = await loadImages(o.data, o.range, kind);
      const pixels = evaluationPixels(set, o.binarize === 'dynamic' ? 'threshold' : o.binarize, o.seed);
      const d = set.rows * set.cols;
      const image = (i: number, arg: string) => {
        if (!Number.isInteger(i) || i < 0 || i >= set.count) {
          throw new ArgumentError(
            `${kind}: ${arg} is ${i}, expected an index in [0, ${set.count - 1}] of the data`,
          );
        }
        return tf.tensor4d(pixels.subarray(i * d, (i + 1) * d), [1, set.rows, set.cols, 1]);
      };
      if (kind === 'reconstruct') {
        const n = Math.min(o.n, set.count);
        grid = tf.tidy(() => {
          const x = tf.tensor4d(pixels.subarray(0, n * d), [n, set.rows, set.cols, 1]);
          const xr = model.reconstruct(x);
          const rows: tf.Tensor[] = [];
          for (let i = 0; i < n; i += columns) {
            const size = Math.min(columns, n - i);
            rows.push(
              tf.slice(x, [i, 0, 0, 0], [size, -1, -1, -1]),
              tf.slice(xr, [i, 0, 0, 0], [size, -1, -1, -1]),
            );
          }
          return tf.concat(rows, 0);
        });
      } else {
        columns = o.steps;
        grid = tf.tidy(() => model.interpolate(image(o.from, '--from'), image(o.to, '--to'), o.steps));
      }
    }
    try {
      writeImageGrid(grid, columns, o.out);
    } finally {
      grid.dispose();
    }
    io.stdout(`${kind}: ${o.out}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}
