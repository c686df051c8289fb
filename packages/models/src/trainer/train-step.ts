// Internal: one gradient step of the trainer, with clipping and the non-finite checks.
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, type Seed } from '@elbo/core';
import type { GradientPool, ShareGradients } from './gradient-pool.js';
import type { TrainableModel } from './trainable.js';

/** A step's outcome: its numbers, or what went non-finite (nothing was updated then). */
export type StepOutcome =
  | {
      readonly ok: true;
      readonly loss: number;
      readonly terms: Record<string, number>;
      /** The global gradient norm before clipping. */
      readonly gradientNorm: number;
    }
  | { readonly ok: false; readonly term: string; readonly value: number; readonly variable?: string };

/**
 * Computes the loss and the gradients of `names` (the model's variables, in a fixed order), with a
 * {@link GradientPool} over several shares of the batch averaged by size, reads the
 * loss, the terms and the gradient norm back in one download (the gradients one by one only when the norm
 * is not finite, to name the variable), and,
 * when all are finite, applies the gradients clipped to the global norm `clipNorm`. Leaks no tensor.
 */
export async function trainStep(
  model: TrainableModel,
  names: readonly string[],
  batch: tf.Tensor,
  optimizer: tf.Optimizer,
  options: { seed: Seed; klWeight: number; clipNorm: number | undefined; pool?: GradientPool | undefined },
): Promise<StepOutcome> {
  const variables = names.map((n) => model.variables[n] as tf.Variable);
  const kept: Record<string, tf.Scalar> = {};
  let value: tf.Scalar;
  let grads: tf.NamedTensorMap;
  const pool = options.pool;
  const b = batch.shape[0] as number;
  const shares = pool === undefined ? 1 : Math.min(pool.shares, b);
  // Data parallel: the other shares go to the pool first, so that they run while this thread computes
  // its own (share 0, with the step's seed; share i uses foldIn(seed, i)).
  let remote: Promise<ShareGradients[]> | undefined;
  let sizes = [b];
  let local = batch;
  if (pool !== undefined && shares > 1) {
    sizes = Array.from({ length: shares }, (_, i) => Math.floor(b / shares) + (i < b % shares ? 1 : 0));
    const parts = tf.split(batch, sizes, 0);
    local = parts[0] as tf.Tensor;
    const weights = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
    const sent = await Promise.all(
      parts.slice(1).map(async (p, i) => ({
        images: (await p.data()) as Float32Array,
        shape: p.shape,
        seed: foldIn(options.seed, i + 1),
      })),
    );
    tf.dispose(parts.slice(1));
    remote = pool.compute(weights, sent, options.klWeight);
  }
  try {
    const result = tf.variableGrads(() => {
      const r = model.loss(local, { seed: options.seed, klWeight: options.klWeight, training: true });
      for (const [name, t] of Object.entries(r.terms)) kept[name] = tf.keep(t);
      return r.loss;
    }, variables);
    value = result.value;
    grads = result.grads;
  } catch (error) {
    tf.dispose(Object.values(kept));
    throw error;
  } finally {
    if (local !== batch) local.dispose();
  }
  if (remote !== undefined) {
    let others: ShareGradients[];
    try {
      others = await remote;
    } catch (error) {
      tf.dispose([value, ...Object.values(kept), ...Object.values(grads)]);
      throw error;
    }
    // The batch mean: each share's mean weighted by its size.
    const w = sizes.map((n) => n / b);
    const combined = tf.tidy(() => {
      const out: tf.NamedTensorMap = {};
      variables.forEach((v, j) => {
        let g = tf.mul(grads[v.name] ?? tf.zerosLike(v), w[0] as number);
        others.forEach(
          (o, i) =>
            (g = tf.add(g, tf.mul(tf.tensor(o.grads[j] as Float32Array, v.shape), w[i + 1] as number))),
        );
        out[v.name] = g;
      });
      const loss = others.reduce(
        (a, o, i) => tf.add(a, (w[i + 1] as number) * o.loss),
        tf.mul(value, w[0] as number),
      );
      const terms: Record<string, tf.Tensor> = {};
      for (const [name, t] of Object.entries(kept)) {
        terms[name] = others.reduce(
          (a, o, i) => tf.add(a, (w[i + 1] as number) * (o.terms[name] ?? Number.NaN)),
          tf.mul(t, w[0] as number),
        );
      }
      return { out, loss, terms };
    });
    tf.dispose([value, ...Object.values(kept), ...Object.values(grads)]);
    value = combined.loss as tf.Scalar;
    grads = combined.out;
    for (const [name, t] of Object.entries(combined.terms)) kept[name] = t as tf.Scalar;
  }
  const termNames = Object.keys(kept);
  // Gradients in the model's order, a zero for a variable the loss does not use: tfjs optimizers index
  // their slots by position, so the order must never change.
  const ordered: tf.NamedTensorMap = {};
  const { clipped, numbers } = tf.tidy(() => {
    const gs = variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    const squares = gs.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares.length > 0 ? squares : [tf.scalar(0)]));
    const parts: tf.Tensor[] = [tf.reshape(value, [1]), tf.reshape(norm, [1])];
    for (const n of termNames) parts.push(tf.reshape(kept[n] as tf.Scalar, [1]));
    // Clones (sharing the data) outlive the tidy, the zeros made here included.
    let out = gs.map((g) => tf.clone(g));
    if (options.clipNorm !== undefined) {
      const scale = tf.div(options.clipNorm, tf.maximum(norm, options.clipNorm));
      out = gs.map((g) => tf.mul(g, scale));
    }
    return { clipped: out, numbers: tf.concat(parts) };
  });
  // The raw gradients live until the end: a non-finite norm is traced back to them (clipping spreads it).
  tf.dispose([value, ...Object.values(kept)]);
  variables.forEach((v, i) => (ordered[v.name] = clipped[i] as tf.Tensor));
  try {
    const values = await numbers.data();
    const loss = values[0] as number;
    const gradientNorm = values[1] as number;
    const terms: Record<string, number> = {};
    termNames.forEach((n, i) => (terms[n] = values[2 + i] as number));
    const badTerm = termNames.find((n) => !Number.isFinite(terms[n] as number));
    if (badTerm !== undefined) return { ok: false, term: badTerm, value: terms[badTerm] as number };
    if (!Number.isFinite(loss)) return { ok: false, term: 'loss', value: loss };
    // A NaN or ±∞ gradient entry makes the norm non-finite; only then are the gradients looked at one by
    // one (a second download), to name the variable. A norm that overflowed from finite entries is no fault.
    if (!Number.isFinite(gradientNorm)) {
      const raw: Record<string, tf.Tensor> = {};
      names.forEach((n, i) => {
        const g = grads[(variables[i] as tf.Variable).name];
        if (g !== undefined) raw[n] = g;
      });
      const bad = await firstNonFiniteVariable(raw);
      if (bad !== undefined) return { ok: false, term: 'gradient', value: NaN, variable: bad };
    }
    optimizer.applyGradients(ordered);
    return { ok: true, loss, terms, gradientNorm };
  } finally {
    tf.dispose([numbers, ...clipped, ...Object.values(grads)]);
  }
}

/** The first tensor (in the map's order) with a non-finite entry, or undefined. One download. */
export async function firstNonFiniteVariable(
  variables: Readonly<Record<string, tf.Tensor>>,
): Promise<string | undefined> {
  const names = Object.keys(variables);
  if (names.length === 0) return undefined;
  const flags = tf.tidy(() =>
    // NaN where a tensor has a NaN or ±∞ entry (∞·0 = NaN), 0 otherwise.
    tf.concat(names.map((n) => tf.reshape(tf.sum(tf.mul(variables[n] as tf.Tensor, 0)), [1]))),
  );
  try {
    const values = await flags.data();
    const i = names.findIndex((_, j) => !Number.isFinite(values[j] as number));
    return i >= 0 ? names[i] : undefined;
  } finally {
    flags.dispose();
  }
}
