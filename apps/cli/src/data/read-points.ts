import { DataFormatError } from '@elbo/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Points read from a data file: `n` rows of `dimension` finite numbers. */
export interface Points {
  readonly rows: number[][];
  readonly dimension: number;
}

function checkRow(values: number[], where: string, dimension: number | undefined, file: string): void {
  if (values.length === 0)
    throw new DataFormatError(`${file}: ${where} is empty, expected numbers separated by commas`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new DataFormatError(
      `${file}: ${where}, value ${bad + 1} is not a finite number, expected numbers separated by commas`,
    );
  }
  if (dimension !== undefined && values.length !== dimension) {
    throw new DataFormatError(
      `${file}: ${where} has ${values.length} value${values.length === 1 ? '' : 's'}, expected ${dimension} like the first point`,
    );
  }
}

/**
 * Parses CSV text, one point per line: numbers separated by commas (spaces around them allowed). Blank
 * lines and lines starting with `#` are skipped; a first line without a number is a header and is
 * skipped too. Errors name the line.
 */
export function parseCsvPoints(text: string, file = 'data'): Points {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const cells = trimmed.split(',').map((c) => c.trim());
    if (rows.length === 0 && i === lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
      if (cells.every((c) => c !== '' && Number.isNaN(Number(c)))) return; // a header
    }
    const values = cells.map((c) => (c === '' ? Number.NaN : Number(c)));
    checkRow(values, `line ${i + 1}`, rows[0]?.length, file);
    rows.push(values);
  });
  if (rows.length === 0) throw new DataFormatError(`${file}: no data points, expected one point per line`);
  return { rows, dimension: rows[0]!.length };
}

/**
 * Parses JSON: an array of numbers (1-D points), an array of arrays of numbers, or an object with such
 * an array under `data`. Errors name the index of the offending point.
 */
export function parseJsonPoints(text: string, file = 'data'): Points {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'data' in value) {
    value = (value as { data: unknown }).data;
  }
  if (!Array.isArray(value)) {
    throw new DataFormatError(
      `${file}: expected an array of points (numbers, or arrays of numbers), or { "data": [...] }`,
    );
  }
  const rows: number[][] = [];
  value.forEach((p: unknown, i) => {
    const values =
      typeof p === 'number'
        ? [p]
        : Array.isArray(p) && p.every((v) => typeof v === 'number')
          ? (p as number[])
          : null;
    if (values === null) {
      throw new DataFormatError(
        `${file}: point ${i} is ${JSON.stringify(p)}, expected a number or an array of numbers`,
      );
    }
    checkRow(values, `point ${i}`, rows[0]?.length, file);
    rows.push(values);
  });
  if (rows.length === 0) throw new DataFormatError(`${file}: no data points`);
  return { rows, dimension: rows[0]!.length };
}

/** Reads points from a `.csv` or `.json` file. */
export function readPoints(file: string): Points {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') {
    throw new DataFormatError(
      `${file}: unknown data format '${ext || '(none)'}', expected a .csv or .json file`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataFormatError(
      `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return ext === '.csv' ? parseCsvPoints(text, file) : parseJsonPoints(text, file);
}
