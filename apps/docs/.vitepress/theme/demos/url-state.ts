// A demo's whole state in the URL query (as in tensorflow/playground): read once on mount with defaults
// and bounds, written back with history.replaceState on every change, so that a link reproduces the demo.

/** One numeric knob: its default and the range a value read from the URL is clamped to. */
export interface NumberField {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** One choice among names. */
export interface ChoiceField<T extends string> {
  readonly kind: 'choice';
  readonly default: T;
  readonly choices: readonly T[];
}

export type Field = NumberField | ChoiceField<string>;
export type Schema = Record<string, Field>;
export type StateOf<S extends Schema> = {
  [K in keyof S]: S[K] extends ChoiceField<infer T> ? T : number;
};

/** The defaults of a schema. */
export function defaults<S extends Schema>(schema: S): StateOf<S> {
  return Object.fromEntries(Object.entries(schema).map(([k, f]) => [k, f.default])) as StateOf<S>;
}

/** The state in the page's URL query, each value checked against the schema (a bad one gives the default). */
export function readUrlState<S extends Schema>(schema: S): StateOf<S> {
  const state = defaults(schema) as Record<string, number | string>;
  if (typeof window === 'undefined') return state as StateOf<S>;
  const query = new URLSearchParams(window.location.search);
  for (const [key, field] of Object.entries(schema)) {
    const raw = query.get(key);
    if (raw === null) continue;
    if (field.kind === 'number') {
      const value = Number(raw);
      if (Number.isFinite(value)) state[key] = Math.min(field.max, Math.max(field.min, value));
    } else if (field.choices.includes(raw)) {
      state[key] = raw;
    }
  }
  return state as StateOf<S>;
}

/** Writes the state to the URL query, leaving out values at their default and keeping other keys. */
export function writeUrlState<S extends Schema>(schema: S, state: StateOf<S>): void {
  if (typeof window === 'undefined') return;
  const url = new URL(window.location.href);
  for (const [key, field] of Object.entries(schema)) {
    const value = (state as Record<string, number | string>)[key];
    if (value === field.default) url.searchParams.delete(key);
    else url.searchParams.set(key, String(value));
  }
  if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url.href);
}
