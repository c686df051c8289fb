import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import { readFileSync } from 'node:fs';
import { DEFAULT_TOLERANCE, evaluateReferences, type ConformanceResult } from '../conformance/evaluate.js';
import { parseReferenceFile } from '../conformance/reference-file.js';
import type { Io } from '../io.js';

/** Options of `elbo conformance`. */
export interface ConformanceOptions {
  readonly refs: string;
  readonly backend: BackendName | 'auto';
  readonly json?: boolean;
  readonly atol?: number;
  readonly rtol?: number;
}

/** A JSON.stringify replacer: JSON has no ±∞ or NaN, so they are written as "Infinity", "-Infinity", "NaN". */
function finiteOrString(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

function summarise(results: readonly ConformanceResult[]): string[] {
  const groups = new Map<string, { cases: number; failed: number; maxAbsError: number }>();
  for (const r of results) {
    const key = `${r.kind === 'kl' ? 'KL ' : ''}${r.family}\t${r.quantity}`;
    const g = groups.get(key) ?? { cases: 0, failed: 0, maxAbsError: 0 };
    g.cases++;
    if (!r.pass) g.failed++;
    g.maxAbsError = Math.max(g.maxAbsError, r.maxAbsError ?? Number.POSITIVE_INFINITY);
    groups.set(key, g);
  }
  const rows = [...groups].map(([key, g]) => {
    const [family = '', quantity = ''] = key.split('\t');
    return [
      family,
      quantity,
      String(g.cases),
      g.maxAbsError.toExponential(2),
      g.failed === 0 ? 'ok' : `${g.failed} FAILED`,
    ];
  });
  const header = ['family', 'quantity', 'cases', 'max |error|', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * `elbo conformance --refs FILE --backend NAME [--json]`: evaluates a reference file (the format of
 * `shared/refs/README.md`) on one backend. Exit code 0 when every quantity passes, 1 otherwise.
 */
export async function conformanceCommand(options: ConformanceOptions, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(options.refs, 'utf8');
  } catch (error) {
    throw new ArgumentError(
      `conformance: --refs '${options.refs}' cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a reference JSON file`,
    );
  }
  const refs = parseReferenceFile(text, options.refs);
  const choice = await useBackend(options.backend);
  const tolerance = {
    atol: options.atol ?? DEFAULT_TOLERANCE.atol,
    rtol: options.rtol ?? DEFAULT_TOLERANCE.rtol,
  };
  const { results, passed, failed } = evaluateReferences(refs, tolerance);
  if (options.json === true) {
    const report = { backend: choice.name, source: refs.source ?? null, tolerance, results, passed, failed };
    io.stdout(`${JSON.stringify(report, finiteOrString)}\n`);
  } else {
    const lines = [
      `backend: ${choice.name} (${choice.reason})`,
      `references: ${options.refs}${refs.source !== undefined ? ` (${refs.source})` : ''}`,
      `tolerance: |actual − expected| ≤ ${tolerance.atol} + ${tolerance.rtol}·|expected|`,
      '',
      ...summarise(results),
    ];
    const failures = results.filter((r) => !r.pass);
    if (failures.length > 0) {
      lines.push('', 'failures:');
      for (const r of failures.slice(0, 20)) {
        lines.push(
          `  ${r.kind}[${r.index}] ${r.family} ${r.quantity}: ${r.error ?? `max |error| ${r.maxAbsError}, actual ${JSON.stringify(r.actual, finiteOrString)}, expected ${JSON.stringify(r.expected)}`}`,
        );
      }
      if (failures.length > 20) lines.push(`  ... and ${failures.length - 20} more (--json lists all)`);
    }
    lines.push('', `conformance: ${passed} passed, ${failed} failed`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  return failed === 0 ? 0 : 1;
}
