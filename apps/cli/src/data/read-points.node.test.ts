import { DataFormatError } from '@elbo/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvPoints, parseJsonPoints, readPoints } from './read-points.js';

describe('data files of points', () => {
  it('reads CSV with a header, comments, blank lines and 1-D or 2-D points', () => {
    expect(parseCsvPoints('x,y\n1, 2\n\n# a comment\n-3.5,4e-1\n')).toEqual({
      rows: [
        [1, 2],
        [-3.5, 0.4],
      ],
      dimension: 2,
    });
    expect(parseCsvPoints('0.5\n1.5\r\n2.5').rows).toEqual([[0.5], [1.5], [2.5]]);
  });

  it('names the line of a malformed CSV point', () => {
    expect(() => parseCsvPoints('1,2\n3,x\n', 'd.csv')).toThrow(
      'd.csv: line 2, value 2 is not a finite number, expected numbers separated by commas',
    );
    expect(() => parseCsvPoints('1,2\n3\n', 'd.csv')).toThrow(
      'd.csv: line 2 has 1 value, expected 2 like the first point',
    );
    expect(() => parseCsvPoints('1,2\n3,,4\n', 'd.csv')).toThrow(
      'd.csv: line 2, value 2 is not a finite number',
    );
    expect(() => parseCsvPoints('# only a comment\n', 'd.csv')).toThrow('d.csv: no data points');
    expect(() => parseCsvPoints('1\nInfinity\n', 'd.csv')).toThrow(DataFormatError);
  });

  it('reads JSON arrays and { data }, naming the index of a bad point', () => {
    expect(parseJsonPoints('[1, 2, 3]').rows).toEqual([[1], [2], [3]]);
    expect(parseJsonPoints('{"data": [[1, 2], [3, 4]]}').dimension).toBe(2);
    expect(() => parseJsonPoints('[[1, 2], [3, "a"]]', 'd.json')).toThrow(
      'd.json: point 1 is [3,"a"], expected a number or an array of numbers',
    );
    expect(() => parseJsonPoints('[1, 2', 'd.json')).toThrow(/d\.json is not valid JSON/);
    expect(() => parseJsonPoints('{"x": 1}', 'd.json')).toThrow('d.json: expected an array of points');
  });

  it('reads files by extension and says what it expected otherwise', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'elbo-points-'));
    writeFileSync(path.join(dir, 'a.csv'), '1\n2\n');
    expect(readPoints(path.join(dir, 'a.csv')).rows).toEqual([[1], [2]]);
    expect(() => readPoints(path.join(dir, 'a.txt'))).toThrow(
      "unknown data format '.txt', expected a .csv or .json file",
    );
    expect(() => readPoints(path.join(dir, 'missing.csv'))).toThrow(/missing\.csv cannot be read \(ENOENT\)/);
  });
});
