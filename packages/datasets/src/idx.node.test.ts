import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DataFormatError } from '@elbo/core';
import { describe, expect, it } from 'vitest';
import expected from './fixtures/expected.json' with { type: 'json' };
import { loadIdx, loadMnistIdx } from './idx.js';

// Paths, file: URLs and http: URLs (a server on 127.0.0.1, never the network); fixtures from
// fixtures/generate_idx_fixtures.py.
const url = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const file = (name: string) => fileURLToPath(url(name));

describe('loadIdx from paths and URLs (Node)', () => {
  it('reads a path and a file: URL, gzipped or not', async () => {
    for (const source of [
      file('tiny-images-idx3-ubyte.gz'),
      url('tiny-images-idx3-ubyte'),
      file('tiny-images-idx3-ubyte'),
    ]) {
      const a = await loadIdx(source);
      expect(a.shape).toEqual([3, 4, 5]);
      expect(Array.from(a.data)).toEqual(expected.tiny.images);
    }
  });

  it('fetches an http: URL, and names the address of an HTTP error', async () => {
    const body = readFileSync(file('tiny-labels-idx1-ubyte.gz'));
    const server = createServer((req, res) => {
      if (req.url === '/labels.gz') res.writeHead(200).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(Array.from((await loadIdx(new URL(`${base}/labels.gz`))).data)).toEqual(expected.tiny.labels);
      expect(Array.from((await loadIdx(`${base}/labels.gz`)).data)).toEqual(expected.tiny.labels);
      await expect(loadIdx(`${base}/nothing`)).rejects.toThrow(
        `loadIdx: fetching '${base}/nothing' answered HTTP 404`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('names the file in every format error, and a file it cannot read', async () => {
    for (const name of ['truncated-images-idx3-ubyte.gz', 'corrupt-images-idx3-ubyte.gz']) {
      await expect(loadIdx(file(name))).rejects.toThrow(
        `loadIdx: '${file(name)}' starts as gzip but does not decompress`,
      );
    }
    const trailing = file('trailing-images-idx3-ubyte');
    await expect(loadIdx(trailing)).rejects.toThrow(
      `loadIdx: '${trailing}' is not a valid IDX file: dimensions [3, 4, 5]`,
    );
    const missing = file('no-such-file');
    await expect(loadIdx(missing)).rejects.toThrow(DataFormatError);
    await expect(loadIdx(missing)).rejects.toThrow(
      `loadIdx: cannot read '${missing}' (argument 'source'): ENOENT`,
    );
    await expect(loadIdx(42 as never)).rejects.toThrow(
      "loadIdx: argument 'source' is a number, expected a path, a URL or a Uint8Array",
    );
    const images = file('tiny-images-idx3-ubyte');
    const four = file('four-labels-idx1-ubyte');
    await expect(loadMnistIdx({ images, labels: four })).rejects.toThrow(
      `loadMnistIdx: the images file '${images}' has 3 images but the labels file '${four}' has 4 labels`,
    );
  });
});
