import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArgumentError, DataFormatError } from '@elbo/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLinearGaussian,
  linearGaussianData,
  linearGaussianRows,
} from '../trainer/fixtures/linear-gaussian.js';
import { NonFiniteTrainingError } from '../trainer/non-finite-training-error.js';
import { disposeCheckpoint } from './checkpoint-format.js';
import { fit, loadCheckpoint } from './node.js';

const CONFIG = { kind: 'linear-gaussian', dimension: 2 } as const;
const data = linearGaussianData(linearGaussianRows(24, 2), 6);
const root = mkdtempSync(path.join(tmpdir(), 'elbo-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function trained(epochs = 1): Promise<string> {
  const dir = path.join(root, `run${n++}`, 'ckpt');
  const model = createLinearGaussian(CONFIG);
  await fit({ model, data, epochs, seed: 1, checkpoint: { dir } });
  model.dispose();
  return dir;
}

async function formatError(dir: string): Promise<string> {
  const error = await loadCheckpoint(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataFormatError);
  return (error as Error).message;
}

describe('file checkpoints (Node)', () => {
  it('writes model.json and weights.bin in the tfjs format and leaves no temporary directory', async () => {
    const dir = await trained(2);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readdirSync(path.dirname(dir))).toEqual(['ckpt']);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({
      format: 'elbo-checkpoint',
      generatedBy: '@elbo/models',
      modelTopology: null,
    });
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.userDefinedMetadata.elbo).toMatchObject({
      config: CONFIG,
      step: 8,
      epoch: 2,
      seed: { key: [1, 0] },
    });
    expect(json.userDefinedMetadata.elbo.metrics).toHaveLength(2);
    // 2+2 variables, 1 state, Adam: iter (int32), 2×2 moments, 2 β powers: 4·(2+2+1+1+8+2) bytes.
    expect(readFileSync(path.join(dir, 'weights.bin')).byteLength).toBe(4 * 16);
    const ckpt = await loadCheckpoint(dir);
    expect([ckpt.epoch, ckpt.step]).toEqual([2, 8]);
    disposeCheckpoint(ckpt);
  });

  it('a missing directory, malformed JSON, a size mismatch, a truncated weights.bin or a bad dtype: DataFormatError', async () => {
    expect(await formatError(path.join(root, 'nothing-here'))).toMatch(
      /model.json' is missing: .* holds no checkpoint/,
    );

    const bad = await trained();
    writeFileSync(path.join(bad, 'model.json'), '{"weightsManifest": [');
    expect(await formatError(bad)).toMatch(/model.json' is not valid JSON/);

    const truncated = await trained();
    truncateSync(path.join(truncated, 'weights.bin'), 10);
    expect(await formatError(truncated)).toMatch(
      /weights.bin' holds 10 bytes but the manifest in model.json describes 64 bytes \(truncated/,
    );

    const resized = await trained();
    const json = JSON.parse(readFileSync(path.join(resized, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [3];
    writeFileSync(path.join(resized, 'model.json'), JSON.stringify(json));
    expect(await formatError(resized)).toMatch(
      /holds 64 bytes but the manifest in model.json describes 68 bytes/,
    );

    const dtype = await trained();
    json.weightsManifest[0].weights[0].shape = [2];
    json.weightsManifest[0].weights[0].dtype = 'float16';
    writeFileSync(path.join(dtype, 'model.json'), JSON.stringify(json));
    expect(await formatError(dtype)).toMatch(
      /weight 'variables\/posterior\/mean' has the unknown dtype "float16"/,
    );

    const noWeights = await trained();
    rmSync(path.join(noWeights, 'weights.bin'));
    expect(await formatError(noWeights)).toMatch(/weights.bin' \(listed in model.json\) is missing/);
  });

  it('recovers from a save killed at each point: a partial .tmp is ignored, a lone .old is loaded and put back', async () => {
    const dir = await trained();
    // Killed while writing the next checkpoint: a partial .tmp beside a complete <dir>.
    mkdirSync(`${dir}.tmp`);
    writeFileSync(`${dir}.tmp/weights.bin`, 'partial');
    let ckpt = await loadCheckpoint(dir);
    expect(ckpt.epoch).toBe(1);
    disposeCheckpoint(ckpt);
    // Killed between the two renames: <dir> gone, the old one complete in .old.
    renameSync(dir, `${dir}.old`);
    ckpt = await loadCheckpoint(dir);
    expect(ckpt.epoch).toBe(1);
    disposeCheckpoint(ckpt);
    // The next run resumes from it and cleans up.
    const model = createLinearGaussian(CONFIG);
    const r = await fit({ model, data, epochs: 2, seed: 1, checkpoint: { dir }, resume: true });
    expect([r.resumedFrom, r.epoch]).toEqual([1, 2]);
    expect(readdirSync(path.dirname(dir))).toEqual(['ckpt']);
    model.dispose();
  });

  it('never replaces a directory that holds other files', async () => {
    const dir = path.join(root, 'precious');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    const model = createLinearGaussian(CONFIG);
    await expect(fit({ model, data, epochs: 1, seed: 0, checkpoint: { dir } })).rejects.toThrow(
      ArgumentError,
    );
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  it('a non-finite loss leaves the previous checkpoint byte for byte in place', async () => {
    const dir = path.join(root, 'nan', 'ckpt');
    const model = createLinearGaussian(CONFIG, { nonFiniteAt: { call: 7, term: 'kl' } });
    const epochs: number[] = [];
    const error = await fit({
      model,
      data,
      epochs: 3,
      seed: 0,
      checkpoint: { dir },
      callbacks: { onEpochEnd: ({ epoch }) => void epochs.push(epoch) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteTrainingError);
    expect((error as NonFiniteTrainingError).message).toMatch(
      new RegExp(
        `step 7 \\(epoch 2\\) term 'kl'.*checkpoint of epoch 1 \\(step 4\\) in '${dir.replace(/[/\\]/g, '.')}' was left in place`,
      ),
    );
    expect(epochs).toEqual([1]);
    const ckpt = await loadCheckpoint(dir);
    expect([ckpt.epoch, ckpt.step]).toEqual([1, 4]);
    expect(Object.values(ckpt.variables).every((t) => Array.from(t.dataSync()).every(Number.isFinite))).toBe(
      true,
    );
    disposeCheckpoint(ckpt);
    expect(existsSync(`${dir}.tmp`)).toBe(false);
    model.dispose();
  });
});
