import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import { bitsPerDim, importanceSampledBounds, Nvae } from '@elbo/models';
import type { Io } from '../io.js';
import { evaluationPixels, loadImages, type BinarizeName } from '../run/images.js';
import { loadModel } from '../run/model.js';

/** Options of `elbo eval`. */
export interface EvalOptions {
  readonly checkpoint: string;
  readonly data: string;
  readonly range?: string;
  readonly binarize: BinarizeName;
  readonly importanceSamples: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly backend: BackendName | 'auto';
  /** wasm: the threads XNNPACK computes on (default every core). */
  readonly threads?: number;
  readonly json?: boolean;
}

/**
 * `elbo eval`: the importance-sampled NLL (K samples), the test ELBO (nats per image, means over the
 * images) and bits/dim of the NLL, for a trained VAE on MNIST-family images.
 */
export async function evalCommand(o: EvalOptions, io: Io): Promise<number> {
  const backend = await useBackend(o.backend, o.threads === undefined ? {} : { threads: o.threads });
  const model = await loadModel(o.checkpoint);
  try {
    if (!('logImportanceWeights' in model)) {
      throw new ArgumentError(
        `eval: --checkpoint '${o.checkpoint}' is an auto-encoder, which has no likelihood to evaluate; expected a VAE`,
      );
    }
    const set = await loadImages(o.data, o.range, 'eval');
    const pixels = evaluationPixels(set, o.binarize, o.seed);
    const d = set.rows * set.cols;
    let nllSum = 0;
    let elboSum = 0;
    for (let start = 0; start < set.count; start += o.batchSize) {
      const n = Math.min(o.batchSize, set.count - start);
      const [nll, elbo] = tf.tidy(() => {
        const x = tf.tensor4d(pixels.subarray(start * d, (start + n) * d), [n, set.rows, set.cols, 1]);
        // The NVAE's top-down pass runs on chunk·n rows at once: at most about 1,000 keep memory bounded.
        const chunk = model instanceof Nvae ? Math.max(1, Math.floor(1000 / n)) : 100;
        const options = { samples: o.importanceSamples, seed: o.seed + start, chunk };
        const bounds = importanceSampledBounds(model, x, options);
        return [tf.sum(bounds.nll).dataSync()[0]!, tf.sum(bounds.elbo).dataSync()[0]!];
      });
      nllSum += nll!;
      elboSum += elbo!;
    }
    const nll = nllSum / set.count;
    const elbo = elboSum / set.count;
    const report = {
      nll,
      elbo,
      bitsPerDim: bitsPerDim(nll, d),
      images: set.count,
      importanceSamples: o.importanceSamples,
      backend: backend.name,
    };
    if (o.json === true) io.stdout(`${JSON.stringify(report)}\n`);
    else {
      io.stdout(
        `${set.count} images, K = ${o.importanceSamples}, on ${backend.name}\n` +
          `NLL ${nll.toFixed(2)} nats (${report.bitsPerDim.toFixed(4)} bits/dim), test ELBO ${elbo.toFixed(2)} nats\n`,
      );
    }
    return 0;
  } finally {
    model.dispose();
  }
}
