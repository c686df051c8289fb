import { DataFormatError } from '@elbo/core';

/** Nested number arrays, as a reference file holds parameters and values. */
export type Nested = number | Nested[];

/** A distribution case of a reference file (torch.distributions names and conventions). */
export interface DistributionCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly log_prob: Nested;
  readonly entropy?: Nested;
  readonly mean?: Nested;
  readonly variance?: Nested;
  readonly cdf?: Nested;
}

/** A KL case: KL(p‖q) per batch element. */
export interface KlCase {
  readonly p: { readonly family: string; readonly params: Record<string, Nested> };
  readonly q: { readonly family: string; readonly params: Record<string, Nested> };
  readonly kl: Nested;
}

/** A reference file in the format of `shared/refs/README.md`. */
export interface ReferenceFile {
  readonly source?: string;
  readonly distributions: readonly DistributionCase[];
  readonly kl: readonly KlCase[];
}

function isNested(x: unknown): x is Nested {
  return typeof x === 'number' || (Array.isArray(x) && x.every(isNested));
}

function isParams(x: unknown): x is Record<string, Nested> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every(isNested);
}

/**
 * Parses and checks a reference file, naming the file and the first malformed case.
 *
 * @throws {DataFormatError} for invalid JSON or a case without the fields the format requires.
 */
export function parseReferenceFile(text: string, file: string): ReferenceFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError(`conformance: ${file} is not valid JSON (${(error as Error).message})`);
  }
  const where = (what: string) => `conformance: ${file}: ${what}`;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DataFormatError(where('expected an object { source, distributions: [...], kl: [...] }'));
  }
  const { distributions = [], kl = [], source } = data as Record<string, unknown>;
  if (!Array.isArray(distributions) || !Array.isArray(kl)) {
    throw new DataFormatError(where("'distributions' and 'kl' must be arrays"));
  }
  distributions.forEach((c: unknown, i) => {
    const d = c as Partial<DistributionCase> | null;
    if (typeof d?.family !== 'string' || !isParams(d.params) || !isNested(d.value) || !isNested(d.log_prob)) {
      throw new DataFormatError(
        where(
          `distributions[${i}] needs 'family' (string), 'params' (object of number arrays), 'value' and 'log_prob'`,
        ),
      );
    }
  });
  kl.forEach((c: unknown, i) => {
    const k = c as Partial<KlCase> | null;
    const ok = (s: unknown) =>
      typeof s === 'object' &&
      s !== null &&
      typeof (s as { family?: unknown }).family === 'string' &&
      isParams((s as { params?: unknown }).params);
    if (!ok(k?.p) || !ok(k?.q) || !isNested(k?.kl)) {
      throw new DataFormatError(where(`kl[${i}] needs 'p' and 'q' ({ family, params }) and 'kl'`));
    }
  });
  return {
    ...(typeof source === 'string' ? { source } : {}),
    distributions: distributions as DistributionCase[],
    kl: kl as KlCase[],
  };
}
