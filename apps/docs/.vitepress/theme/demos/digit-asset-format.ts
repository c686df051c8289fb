// The format of the site's digit file (data/mnist-digits.bin.gz, written at build time by the
// mnist-asset plugin from @elbo/datasets' loadMnist, read in the tab by site-digits.ts): a 16-byte
// header, the labels, then the pixels, gzipped.
//
//   bytes 0..7    the ASCII magic "ELBODIG1"
//   bytes 8..11   count, uint32 little-endian
//   bytes 12..13  rows, uint16 little-endian
//   bytes 14..15  cols, uint16 little-endian
//   count bytes   the labels
//   count·rows·cols bytes  the pixels 0..255, image-major then row-major (as ImageSet stores them)
import type { ImageSet } from '@elbo/datasets';

export const DIGIT_ASSET_MAGIC = 'ELBODIG1';
const HEADER = 16;

/** The header, labels and pixels of an image set, ungzipped. */
export function encodeDigits(set: ImageSet): Uint8Array {
  const pixels = set.count * set.rows * set.cols;
  const out = new Uint8Array(HEADER + set.count + pixels);
  for (let i = 0; i < DIGIT_ASSET_MAGIC.length; i++) out[i] = DIGIT_ASSET_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, set.count, true);
  view.setUint16(12, set.rows, true);
  view.setUint16(14, set.cols, true);
  out.set(set.labels.subarray(0, set.count), HEADER);
  out.set(set.images.subarray(0, pixels), HEADER + set.count);
  return out;
}

/** Whether the bytes start with the magic (an ungzipped file). */
export function hasDigitMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < DIGIT_ASSET_MAGIC.length; i++) {
    if (bytes[i] !== DIGIT_ASSET_MAGIC.charCodeAt(i)) return false;
  }
  return true;
}

/** The image set in an ungzipped digit file; throws, saying what is wrong, on a malformed one. */
export function decodeDigits(bytes: Uint8Array, source = 'the digit file'): ImageSet {
  if (bytes.length < HEADER || !hasDigitMagic(bytes)) {
    throw new Error(`${source} does not start with "${DIGIT_ASSET_MAGIC}": rebuild the site`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const rows = view.getUint16(12, true);
  const cols = view.getUint16(14, true);
  const expected = HEADER + count + count * rows * cols;
  if (bytes.length !== expected) {
    throw new Error(
      `${source} holds ${bytes.length} bytes, expected ${expected} for ${count} images of ${rows}×${cols}: rebuild the site`,
    );
  }
  return {
    labels: bytes.slice(HEADER, HEADER + count),
    images: bytes.slice(HEADER + count),
    count,
    rows,
    cols,
  };
}
