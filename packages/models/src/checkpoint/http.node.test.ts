import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFormatError } from '@elbo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLinearGaussian,
  linearGaussianData,
  linearGaussianRows,
} from '../trainer/fixtures/linear-gaussian.js';
import { disposeCheckpoint } from './checkpoint-format.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { fit, loadCheckpoint as loadFromDir } from './node.js';

// A local server on 127.0.0.1 serving the checkpoint directory; `/truncated/` serves weights.bin cut short.
const root = mkdtempSync(path.join(tmpdir(), 'elbo-http-'));
const dir = path.join(root, 'run1');
let server: Server;
let base = '';

beforeAll(async () => {
  const model = createLinearGaussian({ kind: 'linear-gaussian', dimension: 3 });
  await fit({
    model,
    data: linearGaussianData(linearGaussianRows(16, 3), 4),
    epochs: 2,
    seed: 3,
    checkpoint: { dir },
  });
  model.dispose();
  server = createServer((req, res) => {
    const [, prefix, file] = /^\/(run1|truncated)\/(model\.json|weights\.bin)$/.exec(req.url ?? '') ?? [];
    if (prefix === undefined || file === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    let body = readFileSync(path.join(dir, file));
    if (prefix === 'truncated' && file === 'weights.bin') body = body.subarray(0, body.byteLength - 8);
    res.writeHead(200, {
      'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('checkpoints over HTTP (tf.io.http)', () => {
  it('loads the same checkpoint as the file handler, from the directory URL or its model.json', async () => {
    const local = await loadFromDir(dir);
    for (const url of [`${base}/run1`, `${base}/run1/model.json`]) {
      const remote = await loadCheckpoint(url);
      expect([remote.epoch, remote.step, remote.config]).toEqual([local.epoch, local.step, local.config]);
      for (const [k, t] of Object.entries(local.variables)) {
        expect(Array.from(remote.variables[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
      }
      expect(Object.keys(remote.optimizer!.weights)).toEqual(Object.keys(local.optimizer!.weights));
      disposeCheckpoint(remote);
    }
    disposeCheckpoint(local);
  });

  it('a truncated weights.bin or a missing checkpoint is a DataFormatError naming the URL', async () => {
    const truncated = await loadCheckpoint(`${base}/truncated`).catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(DataFormatError);
    expect((truncated as Error).message).toMatch(
      /truncated\/model.json'.*weights.bin holds \d+ bytes .* \(truncated\?\)/,
    );
    const missing = await loadCheckpoint(`${base}/nothing`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DataFormatError);
    expect((missing as Error).message).toMatch(
      /no checkpoint could be read from '.*\/nothing\/model.json'.*404/,
    );
  });
});
