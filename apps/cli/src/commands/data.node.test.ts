import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError, DataFormatError } from '@elbo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../testing-io.js';
import { DATASETS, dataDownloadCommand, type DatasetSource } from './data.js';

// Never the network: a local server on 127.0.0.1 serves `served`, and --mirror points at it.
const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const served = new Map<string, Buffer>([
  ['a-images-idx3-ubyte.gz', Buffer.from('pretend images')],
  ['a-labels-idx1-ubyte.gz', Buffer.from('pretend labels')],
]);
const table: Record<string, DatasetSource> = {
  tiny: {
    url: 'http://192.0.2.1/unused/',
    files: [
      { name: 'a-images-idx3-ubyte.gz', md5: md5('pretend images') },
      { name: 'a-labels-idx1-ubyte.gz', md5: md5('pretend labels') },
    ],
  },
  wrong: {
    url: 'http://192.0.2.1/unused/',
    files: [{ name: 'a-images-idx3-ubyte.gz', md5: md5('something else') }],
  },
  missing: { url: 'http://192.0.2.1/unused/', files: [{ name: 'absent.gz', md5: md5('') }] },
};
let server: Server;
let mirror = '';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/mirror\//, '');
    requests.push(name);
    const body = served.get(name);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = (dataset: string, to: string, more: { json?: boolean } = {}) => {
  const io = recordingIo();
  return dataDownloadCommand({ dataset, to, mirror, ...more }, io, table).then((code) => ({
    code,
    out: io.out(),
  }));
};

describe('elbo data download', () => {
  it('downloads each file, checks its MD5, and skips files already present and right', async () => {
    const to = path.join(mkdtempSync(path.join(tmpdir(), 'elbo-data-')), 'new-folder');
    requests.length = 0;
    const first = await run('tiny', to);
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(to, 'a-images-idx3-ubyte.gz'), 'utf8')).toBe('pretend images');
    expect(readFileSync(path.join(to, 'a-labels-idx1-ubyte.gz'), 'utf8')).toBe('pretend labels');
    expect(readdirSync(to).sort()).toEqual(['a-images-idx3-ubyte.gz', 'a-labels-idx1-ubyte.gz']); // no temporaries
    expect(requests).toEqual(['a-images-idx3-ubyte.gz', 'a-labels-idx1-ubyte.gz']);
    expect(first.out).toContain(`a-images-idx3-ubyte.gz: downloading ${mirror}a-images-idx3-ubyte.gz`);

    requests.length = 0;
    const second = await run('tiny', to, { json: true });
    expect(requests).toEqual([]);
    const report = JSON.parse(second.out) as { files: Array<{ status: string }> };
    expect(report.files.map((f) => f.status)).toEqual(['present', 'present']);

    // A present file with a wrong checksum is downloaded again, and only that one.
    writeFileSync(path.join(to, 'a-labels-idx1-ubyte.gz'), 'damaged');
    requests.length = 0;
    const third = await run('tiny', to);
    expect(requests).toEqual(['a-labels-idx1-ubyte.gz']);
    expect(third.out).toContain('the present file has a wrong checksum');
    expect(readFileSync(path.join(to, 'a-labels-idx1-ubyte.gz'), 'utf8')).toBe('pretend labels');
  });

  it('a wrong checksum is a DataFormatError that leaves no file behind', async () => {
    const to = mkdtempSync(path.join(tmpdir(), 'elbo-data-'));
    const error = await run('wrong', to).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe(
      `data download: ${mirror}a-images-idx3-ubyte.gz has MD5 ${md5('pretend images')}, expected ${md5('something else')} (a corrupt download or a wrong mirror); nothing was written for a-images-idx3-ubyte.gz`,
    );
    expect(readdirSync(to)).toEqual([]);
  });

  it('an HTTP error names the address; bad arguments are named', async () => {
    const to = mkdtempSync(path.join(tmpdir(), 'elbo-data-'));
    await expect(run('missing', to)).rejects.toThrow(`data download: ${mirror}absent.gz answered HTTP 404`);
    expect(readdirSync(to)).toEqual([]);
    await expect(run('cifar', to)).rejects.toThrow(
      "data download: unknown dataset 'cifar', expected one of tiny, wrong, missing",
    );
    await expect(
      dataDownloadCommand({ dataset: 'mnist', to, mirror: 'ftp://x/' }, recordingIo()),
    ).rejects.toThrow(ArgumentError);
    await expect(dataDownloadCommand({ dataset: 'mnist', to: '' }, recordingIo())).rejects.toThrow(
      '--to is missing',
    );
  });

  it('the standard table: four files per dataset under the standard names', () => {
    for (const source of Object.values(DATASETS)) {
      expect(source.files.map((f) => f.name)).toEqual([
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
        't10k-images-idx3-ubyte.gz',
        't10k-labels-idx1-ubyte.gz',
      ]);
      for (const f of source.files) expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  const shared = fileURLToPath(new URL('../../../../../shared/data/mnist/', import.meta.url));
  it.skipIf(!existsSync(shared))(
    'cross-check with ../shared/data/mnist (skipped when absent): the MNIST t10k MD5s match the real files, served from a mirror',
    async () => {
      for (const f of DATASETS.mnist.files.filter((x) => x.name.startsWith('t10k'))) {
        const bytes = readFileSync(path.join(shared, f.name));
        expect(md5(bytes)).toBe(f.md5);
        served.set(f.name, bytes);
      }
      const to = mkdtempSync(path.join(tmpdir(), 'elbo-data-'));
      const t10kOnly = { mnist: { ...DATASETS.mnist, files: DATASETS.mnist.files.slice(2) } };
      const io = recordingIo();
      expect(await dataDownloadCommand({ dataset: 'mnist', to, mirror }, io, t10kOnly)).toBe(0);
      expect(readdirSync(to).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    },
  );
});
