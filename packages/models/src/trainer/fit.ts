import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, foldIn } from '@elbo/core';
import { disposeCheckpoint, type Checkpoint, type EpochMetrics } from '../checkpoint/checkpoint-format.js';
import { loadCheckpointWith } from '../checkpoint/load-checkpoint.js';
import { resolveUrlLocation, type LocationResolver } from '../checkpoint/location.js';
import { createOptimizer, restoreOptimizer } from '../checkpoint/optimizer-state.js';
import { saveCheckpointWith } from '../checkpoint/save-checkpoint.js';
import { adam } from './adam.js';
import { describeValue } from './describe-value.js';
import { checkFitOptions, type CheckedFitOptions, type FitOptions, type FitResult } from './fit-options.js';
import { NonFiniteTrainingError, type LastGoodStep } from './non-finite-training-error.js';
import type { TrainableModel } from './trainable.js';
import { firstNonFiniteVariable, trainStep } from './train-step.js';

const FN = 'fit';

function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const entries = Object.entries(x)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

function now(): number {
  return globalThis.performance.now();
}

/** Copies a checkpoint's variables and state into the model, checking names and shapes. */
function restoreModel(model: TrainableModel, checkpoint: Checkpoint, source: string): void {
  if (canonicalJson(model.config) !== canonicalJson(checkpoint.config)) {
    throw new ArgumentError(
      `${FN}: cannot resume: the checkpoint in ${source} was trained with the model config ` +
        `${canonicalJson(checkpoint.config)}, but option 'model' has ${canonicalJson(model.config)}; ` +
        `build the model from the checkpoint's config (createModel(checkpoint.config)) or use a new checkpoint directory`,
    );
  }
  for (const [group, live, saved] of [
    ['variables', model.variables, checkpoint.variables],
    ['state', model.state, checkpoint.state],
  ] as const) {
    const a = Object.keys(live).sort().join(', ');
    const b = Object.keys(saved).sort().join(', ');
    if (a !== b) {
      throw new ArgumentError(
        `${FN}: cannot resume: the model's ${group} are [${a}] but the checkpoint in ${source} has [${b}]`,
      );
    }
    for (const [name, v] of Object.entries(live)) {
      const t = saved[name] as tf.Tensor;
      if (t.shape.join() !== v.shape.join() || t.dtype !== v.dtype) {
        throw new ArgumentError(
          `${FN}: cannot resume: ${group} '${name}' is ${v.dtype} [${v.shape.join(', ')}] in the model but ` +
            `${t.dtype} [${t.shape.join(', ')}] in the checkpoint in ${source}`,
        );
      }
    }
  }
  for (const [name, v] of Object.entries(model.variables)) v.assign(checkpoint.variables[name] as tf.Tensor);
  for (const [name, v] of Object.entries(model.state)) v.assign(checkpoint.state[name] as tf.Tensor);
}

async function* batchesOf(
  o: CheckedFitOptions,
  epoch: number,
): AsyncGenerator<{ batch: tf.Tensor; owned: boolean }> {
  if (Array.isArray(o.data)) {
    for (const batch of o.data as readonly tf.Tensor[]) yield { batch, owned: false };
    return;
  }
  const source = (o.data as (epoch: number) => Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>)(epoch);
  if (
    source === null ||
    typeof source !== 'object' ||
    (typeof (source as Iterable<tf.Tensor>)[Symbol.iterator] !== 'function' &&
      typeof (source as AsyncIterable<tf.Tensor>)[Symbol.asyncIterator] !== 'function')
  ) {
    throw new ArgumentError(
      `${FN}: option 'data' returned ${describeValue(source)} for epoch ${epoch}, expected an iterable of tensors`,
    );
  }
  for await (const batch of source) yield { batch, owned: true };
}

/** fit with a given checkpoint-location resolver (the Node entry's knows file paths). */
export async function fitWith(resolve: LocationResolver, options: FitOptions): Promise<FitResult> {
  const o = checkFitOptions(options);
  const { model } = o;
  const names = Object.keys(model.variables);
  const location =
    o.checkpoint === undefined ? undefined : resolve(o.checkpoint, 'save', o.checkpointArg, FN);
  let optimizer = o.optimizer;
  let ownsOptimizer = false;
  let step = 0;
  let epoch = 0;
  let metrics: EpochMetrics[] = [];
  let resumedFrom: number | null = null;
  let lastCheckpoint: FitResult['checkpoint'] = null;
  let lastGood: LastGoodStep | undefined;
  let stopped = false;
  let trainedSeconds = 0;
  let trainedImages = 0;
  try {
    if (o.resume && location !== undefined) {
      const checkpoint = await loadCheckpointWith(() => location, location.handler, FN);
      try {
        if (checkpoint.seed.key[0] !== o.seed.key[0] || checkpoint.seed.key[1] !== o.seed.key[1]) {
          throw new ArgumentError(
            `${FN}: cannot resume: option 'seed' is { key: [${o.seed.key.join(', ')}] } but the checkpoint in ` +
              `${location.source} was trained with { key: [${checkpoint.seed.key.join(', ')}] }; pass the same seed`,
          );
        }
        restoreModel(model, checkpoint, location.source);
        if (checkpoint.optimizer !== null) {
          if (optimizer === undefined) {
            optimizer = createOptimizer(checkpoint.optimizer, FN);
            ownsOptimizer = true;
          }
          await restoreOptimizer(optimizer, checkpoint.optimizer, model.variables, FN);
        }
        step = checkpoint.step;
        epoch = checkpoint.epoch;
        metrics = [...checkpoint.metrics];
        resumedFrom = checkpoint.epoch;
        lastCheckpoint = { epoch, step, source: location.source };
      } finally {
        disposeCheckpoint(checkpoint);
      }
    }
    if (optimizer === undefined) {
      optimizer = adam(o.learningRate);
      ownsOptimizer = true;
    }

    for (let e = epoch + 1; e <= o.epochs && !stopped; e++) {
      const epochStart = now();
      let steps = 0;
      let images = 0;
      let lossSum = 0;
      const termSums: Record<string, number> = {};
      for await (const { batch, owned } of batchesOf(o, e)) {
        const k = step + 1;
        let outcome;
        try {
          if (!(batch instanceof tf.Tensor) || batch.isDisposed || batch.rank < 1) {
            throw new ArgumentError(
              `${FN}: option 'data' gave ${describeValue(batch)} as batch ${steps + 1} of epoch ${e}, expected a live tf.Tensor [B, ...]`,
            );
          }
          images += batch.shape[0] as number;
          outcome = await trainStep(model, names, batch, optimizer, {
            seed: foldIn(o.seed, k),
            klWeight: o.klWarmup === 0 ? 1 : Math.min(1, (k - 1) / o.klWarmup),
            clipNorm: o.clipNorm,
            pool: o.pool,
          });
        } finally {
          if (owned && batch instanceof tf.Tensor) batch.dispose();
        }
        if (!outcome.ok) {
          throw new NonFiniteTrainingError({
            step: k,
            epoch: e,
            term: outcome.term,
            value: outcome.value,
            ...(outcome.variable === undefined ? {} : { variable: outcome.variable }),
            ...(lastGood === undefined ? {} : { lastGood }),
            ...(lastCheckpoint === null ? {} : { checkpoint: lastCheckpoint }),
          });
        }
        step = k;
        steps += 1;
        lossSum += outcome.loss;
        for (const [n, v] of Object.entries(outcome.terms)) termSums[n] = (termSums[n] ?? 0) + v;
        lastGood = { step: k, loss: outcome.loss, terms: outcome.terms };
        if (o.onStep !== undefined) {
          const seconds = (now() - epochStart) / 1000;
          const answer = await o.onStep({
            step: k,
            epoch: e,
            loss: outcome.loss,
            terms: outcome.terms,
            klWeight: o.klWarmup === 0 ? 1 : Math.min(1, (k - 1) / o.klWarmup),
            gradientNorm: outcome.gradientNorm,
            imagesPerSecond: seconds > 0 ? images / seconds : 0,
          });
          if (answer === 'stop') {
            stopped = true;
            break;
          }
        }
      }
      const seconds = (now() - epochStart) / 1000;
      trainedSeconds += seconds;
      trainedImages += images;
      if (stopped) break;
      if (steps === 0) {
        throw new ArgumentError(
          `${FN}: option 'data' gave no batch for epoch ${e}, expected at least one tensor per epoch`,
        );
      }
      const terms: Record<string, number> = {};
      for (const [n, v] of Object.entries(termSums)) terms[n] = v / steps;
      const epochMetrics: EpochMetrics = {
        epoch: e,
        steps,
        loss: lossSum / steps,
        terms,
        seconds,
        imagesPerSecond: seconds > 0 ? images / seconds : 0,
      };
      metrics.push(epochMetrics);
      epoch = e;
      let checkpointed = false;
      if (location !== undefined) {
        // Never overwrite a good checkpoint with broken weights.
        const broken = await firstNonFiniteVariable(model.variables);
        if (broken !== undefined) {
          throw new NonFiniteTrainingError({
            step,
            epoch: e,
            term: 'weights',
            value: NaN,
            variable: broken,
            ...(lastGood === undefined ? {} : { lastGood }),
            ...(lastCheckpoint === null ? {} : { checkpoint: lastCheckpoint }),
          });
        }
        await saveCheckpointWith(
          () => location,
          location.handler,
          {
            model,
            optimizer,
            step,
            epoch,
            seed: o.seed,
            metrics,
          },
          FN,
        );
        lastCheckpoint = { epoch, step, source: location.source };
        checkpointed = true;
      }
      if (o.onEpochEnd !== undefined) {
        const answer = await o.onEpochEnd({ epoch: e, step, metrics: epochMetrics, seconds, checkpointed });
        if (answer === 'stop') stopped = true;
      }
    }
  } finally {
    if (ownsOptimizer && optimizer !== undefined) optimizer.dispose();
  }
  return {
    epoch,
    steps: step,
    seconds: trainedSeconds,
    imagesPerSecond: trainedSeconds > 0 ? trainedImages / trainedSeconds : 0,
    loss: metrics.length > 0 ? (metrics[metrics.length - 1] as EpochMetrics).loss : NaN,
    resumedFrom,
    checkpoint: lastCheckpoint,
    metrics,
    stopped,
  };
}

/**
 * Trains a model: per step, the loss and the gradients of the model's variables, gradient clipping by
 * global norm, KL warm-up, the step's seed `foldIn(seed, step)`, an optimizer update (Adam by default);
 * after every epoch, a checkpoint (with `checkpoint`). A non-finite term, loss, gradient or weight stops
 * training with a {@link NonFiniteTrainingError} and leaves the last checkpoint in place. With `resume`,
 * continues bit-for-bit where the checkpoint left off (fit 2 epochs + resume to 4 = fit 4).
 * Leaks no tensor; file-path checkpoints in Node: `fit` of `@elbo/models/node`.
 *
 * @throws ArgumentError naming the option: bad or unknown options, empty data, a checkpoint that does
 *   not match the model; DataFormatError for a corrupt checkpoint; NonFiniteTrainingError.
 * @example
 * const result = await fit({
 *   model, data: (epoch) => batches(epoch), epochs: 10, seed: 0, klWarmup: 1000, clipNorm: 10,
 *   checkpoint: { dir: 'indexeddb://mnist-vae' },
 *   callbacks: { onEpochEnd: ({ epoch, metrics }) => console.log(epoch, metrics.loss) },
 * });
 */
export function fit(options: FitOptions): Promise<FitResult> {
  return fitWith(resolveUrlLocation, options);
}
