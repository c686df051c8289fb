import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { checkBoundaries } from './check-boundaries.mjs';

const check = checkBoundaries as (root: string) => string[];
let root = '';

function pkg(dir: string, json: object, files: Record<string, string> = {}) {
  mkdirSync(path.join(root, dir, 'src'), { recursive: true });
  writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(json));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, dir, 'src', name), text);
}
const lib = (name: string, extra: object = {}) => ({
  name,
  sideEffects: false,
  peerDependencies: { '@tensorflow/tfjs-core': '4.22.0' },
  ...extra,
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('checkBoundaries', () => {
  it('passes on this workspace', () => {
    expect(check(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))).toEqual([]);
  });

  it('catches a reversed dependency, an undeclared import and a backend import', () => {
    root = mkdtempSync(path.join(tmpdir(), 'elbo-boundaries-'));
    pkg('packages/core', lib('@elbo/core', { dependencies: { '@elbo/models': 'workspace:^' } }), {
      'a.ts': "import { vae } from '@elbo/models';\n",
    });
    pkg('packages/distributions', lib('@elbo/distributions'), {
      'b.ts': "import { seed } from '@elbo/core';\nimport '@tensorflow/tfjs-backend-cpu';\n",
    });
    pkg('packages/datasets', lib('@elbo/datasets', { sideEffects: true }));
    const v = check(root);
    expect(v).toContain(
      'packages/core/package.json: @elbo/core may not depend on @elbo/models (allowed: none)',
    );
    expect(v).toContain('packages/core/src/a.ts: @elbo/core may not import @elbo/models (allowed: none)');
    expect(v).toContain(
      'packages/distributions/src/b.ts: imports @elbo/core, which packages/distributions/package.json does not declare',
    );
    expect(v).toContain(
      'packages/distributions/src/b.ts: a library imports the backend @tensorflow/tfjs-backend-cpu; only @elbo/backends may',
    );
    expect(v).toContain('packages/datasets/package.json: a library must declare "sideEffects": false');
  });
});
