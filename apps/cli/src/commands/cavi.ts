import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import {
  bleiMixtureCavi,
  gaussianMixtureCavi,
  normalGammaCavi,
  normalGammaLogEvidence,
  type CaviOptions,
  type CaviSweepRecord,
} from '@elbo/inference';
import { readPoints } from '../data/read-points.js';
import type { Io } from '../io.js';

/** The models of `elbo cavi`. */
export const CAVI_MODELS = ['normal-gamma', 'blei-gmm', 'gmm'] as const;
export type CaviModelName = (typeof CAVI_MODELS)[number];

/** Options of `elbo cavi`. */
export interface CaviCommandOptions {
  readonly model: CaviModelName;
  readonly data: string;
  readonly components?: number;
  readonly weightPrior?: number;
  readonly prior?: string;
  readonly maxIter?: number;
  readonly tol?: number;
  readonly seed?: number;
  readonly backend?: BackendName | 'auto';
  readonly json?: boolean;
}

/** The `--prior` keys each model accepts, with their defaults where the model has one. */
const PRIOR_KEYS: Readonly<Record<CaviModelName, readonly string[]>> = {
  'normal-gamma': ['mu0', 'lambda0', 'a0', 'b0'],
  'blei-gmm': ['sigma2'],
  gmm: ['meanPrecision', 'degreesOfFreedom'],
};
const NORMAL_GAMMA_DEFAULTS = { mu0: 0, lambda0: 1, a0: 1, b0: 1 };

/** Parses `k=v,k=v` into numbers, naming a malformed pair or an unknown key. */
export function parsePrior(text: string | undefined, model: CaviModelName): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined || text.trim() === '') return out;
  const allowed = PRIOR_KEYS[model];
  for (const pair of text.split(',')) {
    const [key = '', value, extra] = pair.split('=').map((s) => s.trim());
    const n = Number(value);
    if (value === undefined || extra !== undefined || value === '' || !Number.isFinite(n)) {
      throw new ArgumentError(
        `cavi: --prior has '${pair}', expected key=number pairs such as ${allowed[0]}=1`,
      );
    }
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        `cavi: --prior has an unknown key '${key}' for --model ${model}, expected ${allowed.join(', ')}`,
      );
    }
    out[key] = n;
  }
  return out;
}

const round = (x: number) => Number(x.toPrecision(8));

/**
 * `elbo cavi --model normal-gamma|blei-gmm|gmm --data FILE ...`: fits the model by coordinate ascent,
 * printing the ELBO after every sweep and the fitted posterior (one JSON object with `--json`).
 */
export async function caviCommand(options: CaviCommandOptions, io: Io): Promise<number> {
  const points = readPoints(options.data);
  const prior = parsePrior(options.prior, options.model);
  if (options.backend !== undefined) await useBackend(options.backend);
  const sweeps: number[] = [];
  const onSweep = (r: CaviSweepRecord) => {
    sweeps.push(r.elbo);
    if (options.json !== true) io.stdout(`iteration ${r.iteration}: ELBO ${r.elbo.toFixed(6)}\n`);
  };
  const cavi: CaviOptions = {
    onSweep,
    ...(options.maxIter !== undefined ? { maxIterations: options.maxIter } : {}),
    ...(options.tol !== undefined ? { tolerance: options.tol } : {}),
  };
  const oneDimensional = () => {
    if (points.dimension !== 1) {
      throw new ArgumentError(
        `cavi: --model ${options.model} needs one number per line, got points of dimension ${points.dimension} in ${options.data}`,
      );
    }
    return points.rows.map((r) => r[0]!);
  };
  let report: Record<string, unknown>;
  let lines: string[];
  switch (options.model) {
    case 'normal-gamma': {
      const data = oneDimensional();
      const p = { ...NORMAL_GAMMA_DEFAULTS, ...prior };
      const result = normalGammaCavi(data, p, cavi).fit();
      const logEvidence = normalGammaLogEvidence(data, p);
      const posterior = Object.fromEntries(Object.entries(result.posterior).map(([k, v]) => [k, round(v)]));
      report = {
        posterior,
        elbo: result.elbo,
        logEvidence,
        converged: result.converged,
        iterations: result.iterations,
      };
      lines = [
        `q(μ) = Normal(${posterior['muN']}, 1/${posterior['lambdaN']}), q(τ) = Gamma(${posterior['aN']}, rate ${posterior['bN']})`,
        `log evidence ${logEvidence.toFixed(6)} (the ELBO stays below it)`,
      ];
      break;
    }
    case 'blei-gmm': {
      const data = oneDimensional();
      const result = bleiMixtureCavi(data, {
        components: options.components ?? 3,
        sigma2: prior['sigma2'] ?? 25,
        seed: options.seed ?? 0,
        ...cavi,
      }).fit();
      const labels = tf.tidy(() => Array.from(tf.argMax(result.posterior.phi, -1).dataSync()));
      result.posterior.phi.dispose();
      report = {
        means: result.posterior.m.map(round),
        variances: result.posterior.s2.map(round),
        labels,
        elbo: result.elbo,
        converged: result.converged,
      };
      lines = result.posterior.m.map(
        (m, k) => `component ${k}: q(μ) = Normal(${round(m)}, ${round(result.posterior.s2[k]!)})`,
      );
      break;
    }
    case 'gmm': {
      const result = gaussianMixtureCavi(points.rows, {
        components: options.components ?? 6,
        seed: options.seed ?? 0,
        ...(options.weightPrior !== undefined ? { weightConcentration: options.weightPrior } : {}),
        ...prior,
        ...cavi,
      }).fit();
      const { weights, means, covariances, labels } = result.posterior;
      result.posterior.responsibilities.dispose();
      report = {
        weights: weights.map(round),
        means: means.map((m) => m.map(round)),
        covariances: covariances.map((c) => c.map((row) => row.map(round))),
        labels,
        elbo: result.elbo,
        converged: result.converged,
      };
      lines = weights.map(
        (w, k) =>
          `component ${k}: weight ${w.toFixed(4)}, mean [${means[k]!.map((v) => v.toFixed(4)).join(', ')}]`,
      );
      break;
    }
  }
  if (options.json === true) {
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const converged = report['converged'] === true;
    io.stdout(
      `${lines.join('\n')}\n${converged ? 'converged' : 'stopped before converging'} after ${sweeps.length} iterations\n`,
    );
  }
  return 0;
}
