import type * as tf from '@tensorflow/tfjs-core';
import { renameSync, writeFileSync } from 'node:fs';
import { encodeGrayPng, imageGrid } from '../plot/png.js';

/** Writes images [N, H, W, 1] in [0, 1] as a PNG grid of `columns`, atomically (a temporary file renamed). */
export function writeImageGrid(images: tf.Tensor, columns: number, file: string): void {
  const [n = 0, h = 0, w = 0] = images.shape;
  const grid = imageGrid(images.dataSync(), n, h, w, columns);
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, encodeGrayPng(grid.pixels, grid.width, grid.height));
  renameSync(partial, file);
}
