// Flat ESLint config for the whole workspace: typescript-eslint's recommended rules, plus the few that
// keep the design's promises (no Math.random outside tests, no backend imports in libraries).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const libraries = ['core', 'distributions', 'divergences', 'inference', 'models', 'datasets'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/assets/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'apps/docs/.vitepress/cache/**',
      'apps/docs/.vitepress/dist/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Randomness is an argument: take a seed (DESIGN.md).',
        },
      ],
    },
  },
  {
    // CommonJS files (the wasm pthread worker Node starts): require, module scope, Node's globals.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __filename: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: libraries.map((p) => `packages/${p}/src/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node*', '@elbo/backends'],
              message: 'Libraries never import a backend (DESIGN.md); only @elbo/backends does.',
            },
            { group: ['@elbo/cli', '@elbo/docs'], message: 'Nothing imports an app.' },
          ],
        },
      ],
    },
  },
);
