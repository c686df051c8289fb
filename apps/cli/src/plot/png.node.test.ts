import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeGrayPng, imageGrid } from './png.js';

describe('PNG grids', () => {
  it('writes a PNG that an independent decoder (pngjs) reads back pixel for pixel', () => {
    const pixels = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 256);
    const png = PNG.sync.read(encodeGrayPng(pixels, 7, 5));
    expect([png.width, png.height]).toEqual([7, 5]);
    for (let i = 0; i < pixels.length; i++) {
      expect(Array.from(png.data.subarray(4 * i, 4 * i + 4))).toEqual([pixels[i], pixels[i], pixels[i], 255]);
    }
  });

  it('tiles images with white gaps, ink dark', () => {
    // Two 2×3 images: all ink (1) and blank (0).
    const images = [...Array<number>(6).fill(1), ...Array<number>(6).fill(0)];
    const grid = imageGrid(images, 2, 2, 3, 2, 1);
    expect([grid.width, grid.height]).toEqual([2 * 3 + 3, 2 + 2]);
    expect(grid.pixels[1 * grid.width + 1]).toBe(0); // inside the first image: black
    expect(grid.pixels[1 * grid.width + 5]).toBe(255); // inside the second image: white
    expect(grid.pixels[0]).toBe(255); // the gap
  });

  it('rejects sizes that do not match the pixels, naming both', () => {
    expect(() => encodeGrayPng(new Uint8Array(5), 2, 2)).toThrow('encodeGrayPng: 5 pixels, expected 2×2 = 4');
    expect(() => imageGrid([1, 2, 3], 1, 2, 2, 1)).toThrow('imageGrid: 3 values, expected 1 images of 2×2');
  });
});
