import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'elbo',
  description: 'Variational inference and VAEs on TensorFlow.js, from fitting a Gaussian to NVAE.',
  cleanUrls: true,
  themeConfig: {
    nav: [{ text: 'Getting started', link: '/guide/getting-started' }],
    sidebar: [{ text: 'Start here', items: [{ text: 'Getting started', link: '/guide/getting-started' }] }],
  },
});
