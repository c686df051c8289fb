// A worker thread of `elbo train --workers N`: rebuilds the model from its config on its own backend,
// then, per request, sets the weights it is sent and returns the loss, the terms and the gradients of
// each share of the batch it is given (see WorkerGradientPool).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { createModel, type GradientShare, type ShareGradients } from '@elbo/models';
import { parentPort, workerData } from 'node:worker_threads';

interface Request {
  readonly id: number;
  readonly weights: Float32Array[];
  readonly shares: GradientShare[];
  readonly klWeight: number;
}

const port = parentPort;
if (port === null) throw new Error('gradient-worker.js runs as a worker thread of elbo train --workers');
const { backend, config, threads } = workerData as {
  backend: BackendName;
  config: Parameters<typeof createModel>[0];
  threads: number;
};

try {
  await useBackend(backend, { threads });
  const model = createModel(config);
  const names = Object.keys(model.variables);
  const variables = names.map((n) => model.variables[n] as tf.Variable);
  port.on('message', (request: Request) => {
    try {
      variables.forEach((v, j) =>
        tf.tidy(() => v.assign(tf.tensor(request.weights[j] as Float32Array, v.shape))),
      );
      const results: ShareGradients[] = request.shares.map((share) => {
        // Numbers are read outside tf.tidy: tidy walks what it returns, element by element.
        const x = tf.tensor(share.images, [...share.shape]);
        const terms: Record<string, tf.Scalar> = {};
        try {
          const { value, grads } = tf.variableGrads(() => {
            const r = model.loss(x, { seed: share.seed, klWeight: request.klWeight, training: true });
            for (const [k, t] of Object.entries(r.terms)) terms[k] = tf.keep(t);
            return r.loss;
          }, variables);
          const out: ShareGradients = {
            loss: value.dataSync()[0] as number,
            terms: Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, t.dataSync()[0] as number])),
            grads: variables.map((v) => {
              const g = grads[v.name];
              return g === undefined ? new Float32Array(v.size) : (g.dataSync() as Float32Array);
            }),
          };
          tf.dispose([value, ...Object.values(grads)]);
          return out;
        } finally {
          tf.dispose([x, ...Object.values(terms)]);
        }
      });
      port.postMessage(
        { id: request.id, results },
        results.flatMap((r) => r.grads.map((g) => g.buffer as ArrayBuffer)),
      );
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ ready: tf.getBackend() });
} catch (error) {
  port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
}
