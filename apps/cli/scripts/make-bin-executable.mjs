// tsc writes dist/bin.js without the executable bit that `npm i -g` and `pnpm elbo` rely on.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/bin.js', import.meta.url), 0o755);
