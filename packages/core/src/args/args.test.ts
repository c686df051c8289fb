import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import { broadcastShapes } from './shapes.js';
import { toFloatTensor } from './to-tensor.js';
import { checkOptions, describeValue } from './options.js';

describe('toFloatTensor', () => {
  it('converts numbers and nested arrays to float32 tensors', () => {
    const t = toFloatTensor(
      [
        [1, 2],
        [3, 4],
      ],
      'x',
      'f',
    );
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 2]);
    t.dispose();
  });
  it('returns a float32 tensor unchanged and casts an int32 one', () => {
    const a = tf.tensor([1.5]);
    expect(toFloatTensor(a, 'x', 'f')).toBe(a);
    const b = tf.tensor([1], undefined, 'int32');
    const c = toFloatTensor(b, 'x', 'f');
    expect(c.dtype).toBe('float32');
    tf.dispose([a, b, c]);
  });
  it('names the function and the argument for bad input', () => {
    expect(() => toFloatTensor('a', 'loc', 'normal')).toThrow(ArgumentError);
    expect(() => toFloatTensor('a', 'loc', 'normal')).toThrow(
      `normal: argument 'loc' is the string "a", expected a number, an array of numbers or a tensor`,
    );
    expect(() => toFloatTensor([[1, 2], [3]], 'loc', 'normal')).toThrow(
      /normal: argument 'loc' is not a rectangular array/,
    );
  });
});

describe('broadcastShapes', () => {
  it('broadcasts like NumPy', () => {
    expect(broadcastShapes([3, 1], [4], 'f', 'a', 'b')).toEqual([3, 4]);
    expect(broadcastShapes([], [2, 3], 'f', 'a', 'b')).toEqual([2, 3]);
  });
  it('names both arguments when shapes clash', () => {
    expect(() => broadcastShapes([3], [4], 'normal', 'loc', 'scale')).toThrow(ShapeError);
    expect(() => broadcastShapes([3], [4], 'normal', 'loc', 'scale')).toThrow(
      "normal: arguments 'loc' [3] and 'scale' [4] do not broadcast (axis 0: 3 vs 4)",
    );
  });
});

describe('checkOptions and describeValue', () => {
  it('accepts undefined and known keys, and names the function, the argument and the unknown key', () => {
    expect(checkOptions(undefined, ['a'], 'f')).toEqual({});
    expect(checkOptions({ a: 1 }, ['a', 'b'], 'f')).toEqual({ a: 1 });
    expect(() => checkOptions({ c: 1 }, ['a', 'b'], 'f')).toThrow(
      "f: argument 'options' has the unknown option 'c', expected only 'a', 'b'",
    );
    expect(() => checkOptions([1], ['a'], 'f', 'opts')).toThrow(
      "f: argument 'opts' is an array, expected an object",
    );
    expect(() => checkOptions(3, ['a'], 'f')).toThrow(ArgumentError);
  });

  it('describes values briefly', () => {
    expect([null, undefined, [1], 'x'.repeat(30), 2.5, () => 0, new Map()].map(describeValue)).toEqual([
      'null',
      'undefined',
      'an array',
      `the string "${'x'.repeat(20)}…"`,
      '2.5',
      'a function',
      'Map',
    ]);
  });
});
