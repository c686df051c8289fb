import { DataFormatError } from '@elbo/core';
import { describe, expect, it } from 'vitest';
import expected from './fixtures/expected.json' with { type: 'json' };
import { loadIdx, loadMnistIdx, parseIdx } from './idx.js';
import files from './fixtures/files.json' with { type: 'json' };

// Fixtures and their expected values: fixtures/generate_idx_fixtures.py (Python's struct and gzip). The
// bytes come from files.json (base64 of each file), so that the browser reads them too; paths and URLs
// are tested in idx.node.test.ts.
const bytesOf = (name: string) =>
  Uint8Array.from(atob((files as Record<string, string>)[name] ?? ''), (ch) => ch.charCodeAt(0));

describe('loadIdx', () => {
  it('reads the tiny uint8 files, gzipped or not, from a URL and from bytes', async () => {
    for (const name of ['tiny-images-idx3-ubyte', 'tiny-images-idx3-ubyte.gz']) {
      const a = await loadIdx(bytesOf(name));
      expect(a.dtype).toBe('uint8');
      expect(a.shape).toEqual(expected.tiny.shape);
      expect(a.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(a.data)).toEqual(expected.tiny.images);
      const b = await loadIdx(bytesOf(name), { name });
      expect(Array.from(b.data)).toEqual(expected.tiny.images);
    }
    const labels = await loadIdx(bytesOf('tiny-labels-idx1-ubyte.gz'));
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual(expected.tiny.labels);
  });

  it('decodes the big-endian int8, int16, int32, float32 and float64 payloads', async () => {
    const types = {
      int8: Int8Array,
      int16: Int16Array,
      int32: Int32Array,
      float32: Float32Array,
      float64: Float64Array,
    };
    for (const [dtype, ctor] of Object.entries(types)) {
      const ref = expected.typed[dtype as keyof typeof expected.typed];
      const a = parseIdx(bytesOf(`${dtype}.idx`));
      expect(a.dtype).toBe(dtype);
      expect(a.shape).toEqual(ref.shape);
      expect(a.data).toBeInstanceOf(ctor);
      expect(Array.from(a.data)).toEqual(ref.values);
    }
  });

  const corrupt: Array<[string, string]> = [
    ['bad-magic.idx', 'is not a valid IDX file: the magic number starts 0x01 0x00, expected 0x00 0x00'],
    ['bad-dtype.idx', 'is not a valid IDX file: the dtype byte is 0x07, expected one of 0x08, 0x09'],
    ['zero-dims.idx', 'the magic number says 0 dimensions, expected at least 1'],
    [
      'short-header.idx',
      'it has 12 bytes, expected a header of 16 bytes (3 dimensions); the file is truncated',
    ],
    [
      'truncated-images-idx3-ubyte',
      `dimensions [3, 4, 5] of uint8 need ${expected.lengths.tinyImages} bytes, the file has ${expected.lengths.tinyImages - 1}: the file is truncated`,
    ],
    ['trailing-images-idx3-ubyte', 'trailing bytes after the data'],
    ['truncated-images-idx3-ubyte.gz', 'starts as gzip but does not decompress'],
    ['corrupt-images-idx3-ubyte.gz', 'starts as gzip but does not decompress'],
  ];
  for (const [name, message] of corrupt) {
    it(`rejects ${name} with a DataFormatError naming the file and the problem`, async () => {
      const error = await loadIdx(bytesOf(name), { name }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as DataFormatError).code).toBe('E_FORMAT');
      expect((error as Error).message.startsWith(`loadIdx: '${name}' `)).toBe(true);
      expect((error as Error).message).toContain(message);
    });
  }
});

describe('loadMnistIdx', () => {
  it('pairs an images file and a labels file into an ImageSet, with an optional range', async () => {
    const set = await loadMnistIdx({
      images: bytesOf('tiny-images-idx3-ubyte.gz'),
      labels: bytesOf('tiny-labels-idx1-ubyte'),
    });
    expect([set.count, set.rows, set.cols]).toEqual([3, 4, 5]);
    expect(Array.from(set.images)).toEqual(expected.tiny.images);
    expect(Array.from(set.labels)).toEqual(expected.tiny.labels);
    const part = await loadMnistIdx({
      images: bytesOf('tiny-images-idx3-ubyte'),
      labels: bytesOf('tiny-labels-idx1-ubyte'),
      range: '1:3',
    });
    expect(part.count).toBe(2);
    expect(Array.from(part.images)).toEqual(expected.tiny.images.slice(20));
    expect(Array.from(part.labels)).toEqual([2, 9]);
  });

  it('rejects counts that disagree, swapped files and bad files, naming them', async () => {
    const images = bytesOf('tiny-images-idx3-ubyte');
    await expect(loadMnistIdx({ images, labels: bytesOf('four-labels-idx1-ubyte') })).rejects.toThrow(
      "loadMnistIdx: the images file '<76 bytes>' has 3 images but the labels file '<12 bytes>' has 4 labels",
    );
    await expect(loadMnistIdx({ images: bytesOf('tiny-labels-idx1-ubyte'), labels: images })).rejects.toThrow(
      'holds uint8 of shape [3], expected uint8 of shape [N, rows, cols]',
    );
    await expect(
      loadMnistIdx({
        images: bytesOf('truncated-images-idx3-ubyte'),
        labels: bytesOf('tiny-labels-idx1-ubyte'),
      }),
    ).rejects.toThrow(DataFormatError);
    await expect(
      loadMnistIdx({ images, labels: bytesOf('tiny-labels-idx1-ubyte'), range: '0:4' }),
    ).rejects.toThrow("loadMnistIdx: option 'range' is '0:4', outside the 3 images");
  });
});
