import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type DefaultTheme } from 'vitepress';
import { mnistAsset } from './mnist-asset';

// The road of the site, in reading order: each page builds on the one before.
const road = [
  { text: '1. Variational inference', link: '/guide/variational-inference' },
  { text: '2. The KL divergence', link: '/guide/kl-divergence' },
  { text: '3. The ELBO', link: '/guide/elbo' },
  { text: '4. CAVI', link: '/guide/cavi' },
  { text: '5. Stochastic VI', link: '/guide/svi' },
  { text: '6. The auto-encoder', link: '/guide/auto-encoder' },
  { text: '7. The VAE', link: '/guide/vae' },
  { text: '8. Generating images', link: '/guide/image-generation' },
  { text: '9. NVAE', link: '/guide/nvae' },
];

// The API reference: markdown that TypeDoc writes into api/ from the packages' TSDoc before each build
// (typedoc.json; `pnpm --filter @elbo/docs api` alone), with its sidebar. Not committed; without it
// (a dev server started before any build) the API section is a single link.
const API = '/api/';
const apiSidebarFile = new URL('../api/typedoc-sidebar.json', import.meta.url);
const apiPackages: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? (JSON.parse(readFileSync(apiSidebarFile, 'utf8')) as DefaultTheme.SidebarItem[])
  : [];
const apiOverview: DefaultTheme.SidebarItem = {
  text: 'API reference',
  link: API,
  items: apiPackages.map(({ text, link }) => ({ text: text ?? '', ...(link === undefined ? {} : { link }) })),
};

// On a package's API pages: the guide, the list of packages, and that package's symbols (one package's
// sidebar, not all seven: each page renders its sidebar into its HTML).
const apiSidebars: DefaultTheme.SidebarMulti = Object.fromEntries(
  apiPackages.map((pkg) => [
    pkg.link ?? API,
    [
      { text: 'Guide', items: [{ text: 'Getting started', link: '/guide/getting-started' }] },
      apiOverview,
      { text: pkg.text ?? '', link: pkg.link ?? API, items: pkg.items ?? [] },
    ],
  ]),
);

export default defineConfig({
  title: 'elbo',
  description: 'Variational inference and VAEs on TensorFlow.js, from fitting a Gaussian to NVAE.',
  cleanUrls: true,
  // The site's metadata (the sidebars of the API reference included) in one cacheable script rather
  // than inlined into every page's HTML.
  metaChunk: true,
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Guide', link: '/guide/variational-inference' },
      { text: 'API reference', link: API },
    ],
    // The guide's pages list the road and the packages of the API; the API's pages list every symbol.
    sidebar: {
      ...apiSidebars,
      '/api/': [
        { text: 'Guide', items: [{ text: 'Getting started', link: '/guide/getting-started' }] },
        apiOverview,
      ],
      '/': [
        { text: 'Start here', items: [{ text: 'Getting started', link: '/guide/getting-started' }] },
        { text: 'The road', items: road },
        apiOverview,
      ],
    },
    outline: [2, 3],
  },
  vite: {
    // Read the workspace packages from their TypeScript sources (their `source` export condition), so
    // the site never runs on a stale dist/. @elbo/backends stays out of pre-bundling so that Vite serves
    // the wasm binaries it references with `new URL(..., import.meta.url)`.
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] }, noExternal: [/^@elbo\//] },
    optimizeDeps: { exclude: ['@elbo/backends'] },
    // The digits travel as one gzipped byte file (data/mnist-digits.bin.gz), not as the mnist
    // package's JSON: see mnist-asset.ts.
    plugins: [mnistAsset()],
    build: { chunkSizeWarningLimit: 1024 },
  },
});
