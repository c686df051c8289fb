import { ArgumentError } from '@elbo/core';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an 8-bit greyscale image (row-major, 0 = black) as a PNG file's bytes: signature, IHDR, one
 * zlib-compressed IDAT with filter byte 0 on every row, IEND (ISO/IEC 15948).
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ArgumentError(`encodeGrayPng: size ${width}×${height}, expected positive integers`);
  }
  if (pixels.length !== width * height) {
    throw new ArgumentError(
      `encodeGrayPng: ${pixels.length} pixels, expected ${width}×${height} = ${width * height}`,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Tiles `count` images of `height`×`width` intensities in [0, 1] (row-major, image after image) into a
 * grid of `columns` with `gap` pixels of white between them; ink is dark (1 → black), as digits are
 * printed. Returns the greyscale pixels and the grid's size.
 */
export function imageGrid(
  images: ArrayLike<number>,
  count: number,
  height: number,
  width: number,
  columns: number,
  gap = 2,
): { pixels: Uint8Array; width: number; height: number } {
  if (images.length !== count * height * width) {
    throw new ArgumentError(
      `imageGrid: ${images.length} values, expected ${count} images of ${height}×${width}`,
    );
  }
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.ceil(count / cols);
  const gw = cols * width + (cols + 1) * gap;
  const gh = rows * height + (rows + 1) * gap;
  const pixels = new Uint8Array(gw * gh).fill(255);
  for (let i = 0; i < count; i++) {
    const ox = gap + (i % cols) * (width + gap);
    const oy = gap + Math.floor(i / cols) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.min(1, Math.max(0, images[(i * height + y) * width + x] ?? 0));
        pixels[(oy + y) * gw + ox + x] = Math.round(255 * (1 - v));
      }
    }
  }
  return { pixels, width: gw, height: gh };
}
