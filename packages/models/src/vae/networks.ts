// Internal: the encoder and decoder networks of the auto-encoder and the VAE, as parameter trees and
// pure functions over them.
import * as tf from '@tensorflow/tfjs-core';
import { splitSeed, type Seed } from '@elbo/core';
import { conv2d, conv2dTranspose, initConv2d, initConv2dTranspose } from '../nn/conv2d.js';
import { dense, initDense } from '../nn/dense.js';
import { toVariables, type ParamTree } from '../nn/params.js';
import type { ModelConfig } from './config.js';

type Layer = { readonly [key: string]: tf.Tensor };
type Net = { readonly [key: string]: Layer };

/** The variables of a model's networks, as trees and by stable name. */
export interface Networks {
  readonly encoder: Net;
  readonly decoder: Net;
  /** The learned log σ of the Gaussian likelihood, [D], when it is learned. */
  readonly logScale?: tf.Variable;
  readonly variables: Record<string, tf.Variable>;
}

/** Builds the encoder (outputting `encoderOutputs` values per image) and the decoder, from the seed. */
export function buildNetworks(config: ModelConfig, encoderOutputs: number): Networks {
  const [h, w, c] = config.inputShape;
  const d = h * w * c;
  const seeds = splitSeed(config.seed, 2 * config.hidden.length + 4) as Seed[];
  let next = 0;
  const nextSeed = (): Seed => seeds[next++] as Seed;
  const enc: Record<string, ParamTree> = {};
  const dec: Record<string, ParamTree> = {};
  if (config.arch === 'mlp') {
    let width = d;
    config.hidden.forEach((units, i) => {
      enc[`dense${i}`] = initDense(width, units, nextSeed());
      width = units;
    });
    enc['out'] = initDense(width, encoderOutputs, nextSeed(), { initializer: 'glorot-uniform' });
    width = config.latent;
    [...config.hidden].reverse().forEach((units, i) => {
      dec[`dense${i}`] = initDense(width, units, nextSeed());
      width = units;
    });
    dec['out'] = initDense(width, d, nextSeed(), { initializer: 'glorot-uniform' });
  } else {
    let channels = c;
    config.hidden.forEach((filters, i) => {
      enc[`conv${i}`] = initConv2d(channels, filters, 4, nextSeed());
      channels = filters;
    });
    const f = 2 ** config.hidden.length;
    const flat = (h / f) * (w / f) * channels;
    enc['out'] = initDense(flat, encoderOutputs, nextSeed(), { initializer: 'glorot-uniform' });
    dec['dense0'] = initDense(config.latent, flat, nextSeed());
    const reversed = [...config.hidden].reverse();
    reversed.forEach((filters, i) => {
      const out = i + 1 < reversed.length ? (reversed[i + 1] as number) : c;
      const init = i + 1 < reversed.length ? 'he-normal' : 'glorot-uniform';
      dec[`deconv${i}`] = initConv2dTranspose(filters, out, 4, nextSeed(), { initializer: init });
    });
  }
  const e = toVariables(enc, 'encoder', true);
  const dd = toVariables(dec, 'decoder', true);
  const variables = { ...e.variables, ...dd.variables };
  if (config.likelihood === 'gaussian' && config.gaussianScale === undefined) {
    const logScale = tf.variable(tf.zeros([d]), true);
    variables['decoder/logScale'] = logScale;
    return { encoder: e.tree as unknown as Net, decoder: dd.tree as unknown as Net, logScale, variables };
  }
  return { encoder: e.tree as unknown as Net, decoder: dd.tree as unknown as Net, variables };
}

function layer(net: Net, name: string): Layer {
  return net[name] as Layer;
}

/**
 * The encoder's output [B, encoderOutputs] for images x [B, D] (flat) in [0, 1]. `dataInput` says that
 * x is data, so the first layer skips its input gradient. Call inside tf.tidy.
 */
export function runEncoder(
  config: ModelConfig,
  nets: Networks,
  x: tf.Tensor2D,
  dataInput: boolean,
): tf.Tensor2D {
  let hcur: tf.Tensor;
  if (config.arch === 'mlp') {
    hcur = x;
    config.hidden.forEach((_, i) => {
      const p = layer(nets.encoder, `dense${i}`);
      hcur = dense({ kernel: p['kernel'] as tf.Tensor, bias: p['bias'] as tf.Tensor }, hcur, {
        activation: 'relu',
        inputGradient: !(dataInput && i === 0),
      });
    });
  } else {
    hcur = tf.reshape(x, [x.shape[0], ...config.inputShape]);
    config.hidden.forEach((_, i) => {
      const p = layer(nets.encoder, `conv${i}`);
      hcur = conv2d({ filter: p['filter'] as tf.Tensor, bias: p['bias'] as tf.Tensor }, hcur, {
        strides: 2,
        activation: 'relu',
        inputGradient: !(dataInput && i === 0),
      });
    });
    hcur = tf.reshape(hcur, [x.shape[0], -1]);
  }
  const out = layer(nets.encoder, 'out');
  const first = config.hidden.length === 0 && config.arch === 'mlp';
  return dense({ kernel: out['kernel'] as tf.Tensor, bias: out['bias'] as tf.Tensor }, hcur, {
    inputGradient: !(dataInput && first),
  }) as tf.Tensor2D;
}

/** The decoder's output (logits or means) [N, D] (flat) for latents z [N, latent]. Call inside tf.tidy. */
export function runDecoder(config: ModelConfig, nets: Networks, z: tf.Tensor2D): tf.Tensor2D {
  const n = z.shape[0];
  let hcur: tf.Tensor = z;
  if (config.arch === 'mlp') {
    config.hidden.forEach((_, i) => {
      const p = layer(nets.decoder, `dense${i}`);
      hcur = dense({ kernel: p['kernel'] as tf.Tensor, bias: p['bias'] as tf.Tensor }, hcur, {
        activation: 'relu',
      });
    });
    const out = layer(nets.decoder, 'out');
    return dense({ kernel: out['kernel'] as tf.Tensor, bias: out['bias'] as tf.Tensor }, hcur) as tf.Tensor2D;
  }
  const [h, w] = config.inputShape;
  const f = 2 ** config.hidden.length;
  const top = config.hidden[config.hidden.length - 1] as number;
  const p0 = layer(nets.decoder, 'dense0');
  hcur = dense({ kernel: p0['kernel'] as tf.Tensor, bias: p0['bias'] as tf.Tensor }, hcur, {
    activation: 'relu',
  });
  hcur = tf.reshape(hcur, [n, h / f, w / f, top]);
  config.hidden.forEach((_, i) => {
    const p = layer(nets.decoder, `deconv${i}`);
    const last = i + 1 === config.hidden.length;
    hcur = conv2dTranspose({ filter: p['filter'] as tf.Tensor, bias: p['bias'] as tf.Tensor }, hcur, {
      strides: 2,
      activation: last ? 'linear' : 'relu',
    });
  });
  return tf.reshape(hcur, [n, -1]);
}
