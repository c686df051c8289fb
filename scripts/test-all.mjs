#!/usr/bin/env node
// `pnpm test`: every check CI runs, in the order a failure is cheapest to find.
//   1. build and typecheck every package (turbo, cached)
//   2. lint: package boundaries, ESLint, Prettier
//   3. Vitest: the Node project (cpu and wasm) and the browser project (webgl in Debian Chromium)
//   4. the packaging test: packed tarballs installed into an empty project
//   5. the site's end-to-end test in Chromium (apps/docs/e2e)
// It ends with one summary line, `tests: N passed, M failed, K skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const steps = [];
let failed = false;

function run(title, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  const ok = result.status === 0;
  steps.push(`${ok ? '✓' : '✗'} ${title} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!ok) failed = true;
  return ok;
}

const chromium = process.env['ELBO_CHROMIUM'] ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `The browser tests need Debian's Chromium at ${chromium} (never a downloaded browser): ` +
      'apt-get install -y chromium',
  );
  process.exit(1);
}

const built = run('build and typecheck', 'pnpm', [
  'exec',
  'turbo',
  'run',
  'build',
  'typecheck',
  '--output-logs=errors-only',
]);
run('lint', 'pnpm', ['run', 'lint']);

mkdirSync('.vitest', { recursive: true });
let counts = { passed: 0, failed: 0, skipped: 0 };
if (built) {
  run('vitest (node: cpu, wasm; browser: webgl in Chromium)', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=.vitest/results.json',
  ]);
  try {
    const results = JSON.parse(readFileSync('.vitest/results.json', 'utf8'));
    counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    if (results.numFailedTestSuites > 0) failed = true;
  } catch {
    failed = true;
  }
  run('packaging test', 'node', ['scripts/pack-test.mjs']);
  // The site's end-to-end test: the built site served on 127.0.0.1, every page and demo in Chromium on
  // WebGL. It ends with a line `e2e: N passed, M failed`, added to the counts.
  const e2e = spawnSync('pnpm', ['--filter', '@elbo/docs', 'run', 'e2e'], { encoding: 'utf8' });
  process.stdout.write(e2e.stdout ?? '');
  process.stderr.write(e2e.stderr ?? '');
  const line = /^e2e: (\d+) passed, (\d+) failed/m.exec(e2e.stdout ?? '');
  steps.push(`${e2e.status === 0 ? '✓' : '✗'} site end-to-end in Chromium`);
  if (e2e.status !== 0 || line === null) failed = true;
  if (line !== null) {
    counts.passed += Number(line[1]);
    counts.failed += Number(line[2]);
  }
}

console.log(`\n${steps.join('\n')}`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failed || counts.failed > 0 ? 1 : 0);
