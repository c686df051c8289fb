#!/usr/bin/env node
// Enforces the package graph of DESIGN.md: core ← distributions ← divergences ← inference ← models;
// datasets depends on core at most; libraries never import a backend; only @elbo/backends has side
// effects; nothing imports an app. Checks both package.json dependencies and the imports in src/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which @elbo packages each workspace package may depend on. */
export const ALLOWED = {
  '@elbo/core': [],
  '@elbo/distributions': ['@elbo/core'],
  '@elbo/divergences': ['@elbo/core', '@elbo/distributions'],
  '@elbo/inference': ['@elbo/core', '@elbo/distributions', '@elbo/divergences'],
  '@elbo/models': ['@elbo/core', '@elbo/distributions', '@elbo/divergences', '@elbo/inference'],
  '@elbo/datasets': ['@elbo/core'],
  '@elbo/backends': ['@elbo/core'],
  '@elbo/testing': ['@elbo/core', '@elbo/backends'],
};
const LIBRARIES = Object.keys(ALLOWED).filter((n) => n !== '@elbo/backends' && n !== '@elbo/testing');
const APPS = ['@elbo/cli', '@elbo/docs'];
const BACKEND_MODULE = /^@tensorflow\/(tfjs-backend-|tfjs-node)/;

function walk(dir) {
  let files = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(full).isDirectory()) files = files.concat(walk(full));
    else if (/\.(ts|vue|mts)$/.test(entry)) files.push(full);
  }
  return files;
}

function importsOf(source) {
  const specs = new Set();
  const re =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) specs.add(m[1] ?? m[2] ?? m[3]);
  return [...specs];
}

function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Returns every violation in the workspace rooted at `root` as a readable line. */
export function checkBoundaries(root) {
  const violations = [];
  const dirs = ['packages', 'apps']
    .map((d) => path.join(root, d))
    .filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    })
    .flatMap((d) => readdirSync(d).map((p) => path.join(d, p)));
  for (const dir of dirs) {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const name = pkg.name;
    const rel = path.relative(root, dir);
    const isApp = APPS.includes(name);
    const allowed = isApp ? null : ALLOWED[name];
    if (!isApp && allowed === undefined) {
      violations.push(
        `${rel}: package ${name} is not in the design's package list (scripts/check-boundaries.mjs)`,
      );
      continue;
    }
    const declared = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies };
    for (const dep of Object.keys({ ...declared, ...pkg.devDependencies })) {
      if (APPS.includes(dep))
        violations.push(`${rel}/package.json: depends on the app ${dep}; nothing imports an app`);
      else if (allowed && dep.startsWith('@elbo/') && !allowed.includes(dep)) {
        violations.push(
          `${rel}/package.json: ${name} may not depend on ${dep} (allowed: ${allowed.join(', ') || 'none'})`,
        );
      }
    }
    if (LIBRARIES.includes(name)) {
      if (pkg.sideEffects !== false)
        violations.push(`${rel}/package.json: a library must declare "sideEffects": false`);
      if (pkg.peerDependencies?.['@tensorflow/tfjs-core'] === undefined) {
        violations.push(`${rel}/package.json: @tensorflow/tfjs-core must be a peer dependency`);
      }
      for (const dep of Object.keys(declared)) {
        if (BACKEND_MODULE.test(dep))
          violations.push(`${rel}/package.json: a library may not depend on the backend ${dep}`);
      }
    }
    if (name === '@elbo/backends' && !Array.isArray(pkg.sideEffects)) {
      violations.push(`${rel}/package.json: @elbo/backends must list its side-effect files exactly`);
    }
    const srcDir = path.join(dir, 'src');
    let files = [];
    try {
      files = walk(srcDir);
    } catch {
      files = [];
    }
    for (const file of files) {
      // Tests and their fixtures' helpers (src/**/fixtures/, never built or published) may use the test
      // infrastructure: @elbo/testing, and @elbo/backends to switch backends.
      const isTest = /\.test\.ts$/.test(file) || /[\\/]fixtures[\\/]/.test(file);
      const frel = path.relative(root, file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('#')) continue;
        const target = packageOf(spec);
        if (APPS.includes(target) && target !== name) {
          violations.push(`${frel}: imports the app ${target}; nothing imports an app`);
          continue;
        }
        if (LIBRARIES.includes(name) && !isTest && BACKEND_MODULE.test(spec)) {
          violations.push(`${frel}: a library imports the backend ${spec}; only @elbo/backends may`);
          continue;
        }
        if (!target.startsWith('@elbo/') || target === name) continue;
        if (isTest && (target === '@elbo/testing' || target === '@elbo/backends')) continue;
        if (allowed && !allowed.includes(target)) {
          violations.push(
            `${frel}: ${name} may not import ${target} (allowed: ${allowed.join(', ') || 'none'})`,
          );
        } else if (!isTest && declared[target] === undefined) {
          violations.push(`${frel}: imports ${target}, which ${rel}/package.json does not declare`);
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkBoundaries(root);
  if (violations.length > 0) {
    console.error(`Package boundaries violated (see DESIGN.md):\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('Package boundaries: ok');
}
