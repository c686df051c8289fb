import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fixture from '../../../../packages/inference/src/cavi/fixtures/cavi_fixture.json' with { type: 'json' };
import { adjustedRandIndex } from '../../../../packages/inference/src/cavi/fixtures/adjusted-rand-index.js';
import { main } from '../main.js';
import { recordingIo } from '../testing-io.js';

// References: packages/inference/src/cavi/fixtures/generate_cavi_fixture.py (numpy float64, scikit-learn).
const dir = mkdtempSync(path.join(tmpdir(), 'elbo-cavi-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const relative = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);

async function run(args: string[]) {
  const io = recordingIo();
  const code = await main(['cavi', '--backend', 'cpu', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('elbo cavi', () => {
  it('normal-gamma: the fixed point, the ELBO trace and the log evidence of the float64 reference', async () => {
    const { data, prior, expected } = fixture.normalGamma;
    const csv = file('ng.csv', `x\n${data.join('\n')}\n`);
    const priorArg = `mu0=${prior.mu0},lambda0=${prior.lambda0},a0=${prior.a0},b0=${prior.b0}`;
    const { code, out } = await run([
      '--model',
      'normal-gamma',
      '--data',
      csv,
      '--prior',
      priorArg,
      '--json',
      '--tol',
      '1e-12',
      '--max-iter',
      String(expected.elbo.length),
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      posterior: Record<string, number>;
      elbo: number[];
      logEvidence: number;
    };
    for (const key of ['muN', 'lambdaN', 'aN', 'bN'] as const)
      expect(relative(report.posterior[key]!, expected[key])).toBeLessThan(1e-5);
    expect(report.elbo.length).toBeGreaterThan(2);
    report.elbo.forEach((e, i) => expect(relative(e, expected.elbo[i]!), `ELBO ${i}`).toBeLessThan(1e-5));
    expect(relative(report.logEvidence, expected.logEvidence)).toBeLessThan(1e-6);
    expect(Math.max(...report.elbo)).toBeLessThan(report.logEvidence);
  });

  it('gmm: scikit-learn BayesianGaussianMixture components and labels (adjusted Rand index ≥ 0.95)', async () => {
    const { data, settings, expected } = fixture.sklearnGmm;
    const json = file('gmm.json', JSON.stringify({ data }));
    const { code, out } = await run([
      '--model',
      'gmm',
      '--data',
      json,
      '--components',
      String(settings.nComponents),
      '--weight-prior',
      String(settings.weightConcentrationPrior),
      '--seed',
      '0',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      weights: number[];
      means: number[][];
      labels: number[];
      elbo: number[];
      converged: boolean;
    };
    expect(report.converged).toBe(true);
    const active = report.weights.filter((w) => w > 0.02).sort((a, b) => a - b);
    expect(active).toHaveLength(expected.activeWeights.length);
    const reference = [...expected.activeWeights].sort((a, b) => a - b);
    active.forEach((w, i) => expect(Math.abs(w - reference[i]!)).toBeLessThan(5e-3));
    expect(adjustedRandIndex(report.labels, expected.labels)).toBeGreaterThanOrEqual(0.95);
    for (let i = 1; i < report.elbo.length; i++)
      expect(report.elbo[i]!).toBeGreaterThanOrEqual(
        report.elbo[i - 1]! - 1e-3 * Math.abs(report.elbo[i - 1]!),
      );
  });

  it('blei-gmm: prints the ELBO after every sweep and the fitted components', async () => {
    const csv = file('blei.csv', fixture.bleiGmm.data.join('\n'));
    const { code, out } = await run([
      '--model',
      'blei-gmm',
      '--data',
      csv,
      '--components',
      '3',
      '--seed',
      '1',
      '--max-iter',
      '40',
    ]);
    expect(code).toBe(0);
    const elbos = [...out.matchAll(/^iteration (\d+): ELBO (-?\d+\.\d+)$/gm)].map((m) => Number(m[2]));
    expect(elbos.length).toBeGreaterThan(1);
    for (let i = 1; i < elbos.length; i++)
      expect(elbos[i]!).toBeGreaterThanOrEqual(elbos[i - 1]! - 1e-6 * Math.abs(elbos[i - 1]!));
    expect(out).toMatch(/component 2: q\(μ\) = Normal\(/);
    expect(out).toMatch(/(converged|stopped before converging) after \d+ iterations\n$/);
  });

  it('names the line of malformed data, an unknown prior key and a wrong dimension; exit code 2', async () => {
    const bad = file('bad.csv', '1.0\n2.0\nabc\n');
    const r1 = await run(['--model', 'normal-gamma', '--data', bad]);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('bad.csv: line 3, value 1 is not a finite number');
    const ok = file('ok.csv', '1\n2\n3\n');
    const r2 = await run(['--model', 'normal-gamma', '--data', ok, '--prior', 'mu0=0,sigma=1']);
    expect(r2.err).toContain(
      "cavi: --prior has an unknown key 'sigma' for --model normal-gamma, expected mu0, lambda0, a0, b0",
    );
    const r3 = await run(['--model', 'normal-gamma', '--data', ok, '--prior', 'b0=-1']);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/b0/);
    const twoD = file('two.csv', '1,2\n3,4\n');
    const r4 = await run(['--model', 'blei-gmm', '--data', twoD]);
    expect(r4.err).toContain('cavi: --model blei-gmm needs one number per line, got points of dimension 2');
    const r5 = await run(['--model', 'lda', '--data', ok]);
    expect(r5.code).not.toBe(0);
    expect(r5.err).toMatch(/Allowed choices are normal-gamma, blei-gmm, gmm/);
    for (const r of [r1, r2, r3, r4]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
