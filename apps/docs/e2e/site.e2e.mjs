#!/usr/bin/env node
// End-to-end test of the built site (run `pnpm --filter @elbo/docs build` first): serves
// .vitepress/dist on 127.0.0.1, opens every page of the sidebar in Debian's Chromium (WebGL through
// SwiftShader, never a downloaded browser) and checks that
//   - the page loads with no console error and no page error (a screenshot of each goes to test-results/);
//   - every live demo ([data-demo]) reaches data-status ready or done within 30 s, on data-backend webgl;
//   - the fit-gaussian demo's objective falls (data-loss below data-loss-start once done), and so do
//     the vae demo's loss and the autoencoder demo's (which must reach done within 30 s of the page's
//     load, on webgl and on wasm);
//   - the nvae demo loads the checkpoint shipped under public/nvae/, draws samples and the latent
//     hierarchy, resamples, and runs on wasm too; the CLI's sample grid is on the page;
//   - the backend switch moves a demo to wasm and to cpu, and the demo runs there;
//   - the API reference (TypeDoc): the sidebar's API pages load, and the page of @elbo/distributions'
//     Normal class documents logProb, with the package's symbols in the sidebar;
//   - the site's digit file (data/mnist-digits.bin.gz) holds loadMnist's 10,000 digits in its order, and
//     no script of the build is over 1 MB (the mnist package's JSON stays out).
// One line per check, then `e2e: N passed, M failed`; exit status 1 on any failure.
// ELBO_E2E_PAGES=/guide/vae,/guide/auto-encoder limits the run to those pages (a quick targeted check;
// the backend-switch checks then run only if their page is listed).
/* global document -- the functions passed to page.waitForFunction and $eval run in the browser */
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Buffer } from 'node:buffer';
import { chromium } from 'playwright';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dist = join(root, '.vitepress', 'dist');
const results = join(root, 'test-results');
const executablePath = process.env['ELBO_CHROMIUM'] ?? '/usr/bin/chromium';
const DEMO_TIMEOUT_MS = 30_000;
const FIT_DONE_TIMEOUT_MS = 60_000;
const ONLY = (process.env['ELBO_E2E_PAGES'] ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter((p) => p !== '');
const wanted = (path) => ONLY.length === 0 || ONLY.includes(path);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

let passed = 0;
let failed = 0;
function check(ok, title, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '✓' : '✗'} ${title}${detail === '' ? '' : ` — ${detail}`}`);
  return ok;
}

/** The file a clean URL names: `/` → index.html, `/guide/x` → guide/x.html, `/a/` → a/index.html. */
function fileFor(pathname) {
  const path = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  const candidates = path.endsWith('/')
    ? [join(dist, path, 'index.html')]
    : [join(dist, path), join(dist, `${path}.html`), join(dist, path, 'index.html')];
  return candidates.find((f) => f.startsWith(dist) && existsSync(f) && statSync(f).isFile()) ?? null;
}

function serve() {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const file = fileFor(url.pathname);
    if (file === null) {
      const notFound = join(dist, '404.html');
      response.writeHead(404, { 'content-type': TYPES['.html'] });
      response.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

/** Opens a page, collecting console errors and page errors. */
async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? ''})`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, errors, status: response?.status() ?? 0 };
}

/** Waits until `selector`'s data-status is one of `wanted` (or error); returns its data attributes. */
async function waitForStatus(page, selector, wanted, timeout) {
  try {
    await page.waitForFunction(
      ({ selector, wanted }) => {
        const el = document.querySelector(selector);
        const s = el?.getAttribute('data-status');
        return s === 'error' || wanted.includes(s ?? '');
      },
      { selector, wanted },
      { timeout, polling: 100 },
    );
  } catch {
    // Timed out: the attributes below say where it stopped.
  }
  return page.$eval(selector, (el) => ({ ...el.dataset, text: el.textContent?.slice(0, 300) ?? '' }));
}

/** The files under a folder, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The digit file against loadMnist (read here from @elbo/datasets), and the size of the scripts. */
async function checkAssets() {
  const file = join(dist, 'data', 'mnist-digits.bin.gz');
  if (!check(existsSync(file), 'the build has data/mnist-digits.bin.gz')) return;
  const bytes = gunzipSync(readFileSync(file));
  const { loadMnist } = await import('@elbo/datasets');
  const mnist = await loadMnist();
  const count = bytes.readUInt32LE(8);
  const labels = bytes.subarray(16, 16 + count);
  const images = bytes.subarray(16 + count);
  check(
    bytes.subarray(0, 8).toString('latin1') === 'ELBODIG1' &&
      count === mnist.count &&
      Buffer.compare(labels, Buffer.from(mnist.labels)) === 0 &&
      Buffer.compare(images, Buffer.from(mnist.images)) === 0,
    "the digit file holds loadMnist's digits in its order",
    `${count} digits, ${(statSync(file).size / 1e6).toFixed(2)} MB gzipped`,
  );
  const scripts = filesUnder(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  const largest = scripts.reduce((a, f) => (statSync(f).size > statSync(a).size ? f : a), scripts[0]);
  const size = statSync(largest).size;
  check(
    size < 1024 * 1024,
    'no script of the build is over 1 MB',
    `largest ${largest.slice(dist.length)} ${(size / 1e6).toFixed(2)} MB`,
  );
}

/** Whether a demo's data-loss fell below its data-loss-start (both finite). */
function lossFalls(data) {
  const start = Number(data.lossStart);
  const end = Number(data.loss);
  return data.lossStart !== '' && Number.isFinite(start) && Number.isFinite(end) && end < start;
}

function describe(data) {
  return `status ${data.status}, backend ${data.backend || '(none)'}${
    data.status === 'error' ? `: ${data.text.replace(/\s+/g, ' ').trim()}` : ''
  }`;
}

async function main() {
  if (!existsSync(join(dist, 'index.html'))) {
    console.error(`e2e: ${dist} has no index.html: run \`pnpm --filter @elbo/docs build\` first`);
    process.exit(1);
  }
  if (!existsSync(executablePath)) {
    console.error(`e2e: no Chromium at ${executablePath} (install Debian's: apt-get install -y chromium)`);
    process.exit(1);
  }
  mkdirSync(results, { recursive: true });
  const started = Date.now();
  await checkAssets();
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Nothing may come from the internet at run time: any request off this server fails the page.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
  try {
    // The pages: the home page, then every link of the sidebar in order.
    const first = await open(context, `${base}/guide/getting-started`);
    const links = await first.page.$$eval('.VPSidebar a.link', (as) =>
      as.map((a) => new URL(a.href).pathname),
    );
    await first.page.close();
    check(
      ['/guide/getting-started', '/guide/nvae', '/api/'].every((p) => links.includes(p)) &&
        links.length >= 11,
      'the sidebar lists getting started, pages 1 to 9 and the API reference',
      `${links.length} links`,
    );
    const paths = ['/', ...new Set(links)].filter(wanted);

    for (const path of paths) {
      const opened = Date.now();
      const { page, errors, status } = await open(context, `${base}${path}`);
      const name = path === '/' ? 'index' : path.replace(/^\//, '').replace(/\//g, '_');
      const demos = await page.$$eval('[data-demo]', (els) => els.map((el) => el.getAttribute('data-demo')));
      check(status === 200, `${path}: loads`, `HTTP ${status}`);
      for (const demo of demos) {
        const selector = `[data-demo="${demo}"]`;
        const data = await waitForStatus(page, selector, ['ready', 'done'], DEMO_TIMEOUT_MS);
        check(
          (data.status === 'ready' || data.status === 'done') && data.backend === 'webgl',
          `${path}: demo ${demo} ready on webgl within ${DEMO_TIMEOUT_MS / 1000} s`,
          `${describe(data)}, step ${data.step ?? '?'}, ${((Date.now() - opened) / 1000).toFixed(1)} s after opening`,
        );
        if (demo === 'autoencoder') {
          const done = await waitForStatus(page, selector, ['done'], DEMO_TIMEOUT_MS);
          check(
            done.status === 'done' && lossFalls(done),
            `${path}: demo autoencoder's reconstruction loss falls, done within ${DEMO_TIMEOUT_MS / 1000} s`,
            `${describe(done)}, step ${done.step}, ${Number(done.lossStart).toFixed(1)} → ${Number(done.loss).toFixed(1)} nats, ${((Date.now() - opened) / 1000).toFixed(1)} s after opening`,
          );
        }
        if (demo === 'vae') {
          const done = await waitForStatus(page, selector, ['done'], FIT_DONE_TIMEOUT_MS);
          const start = Number(done.lossStart);
          const end = Number(done.loss);
          check(
            done.status === 'done' && Number.isFinite(start) && Number.isFinite(end) && end < start,
            `${path}: demo vae's loss falls`,
            `${describe(done)}, step ${done.step}, −ELBO ${start.toFixed(1)} → ${end.toFixed(1)} (reconstruction ${Number(done.reconstruction).toFixed(1)}, KL ${Number(done.kl).toFixed(2)})`,
          );
        }
        if (demo === 'nvae') {
          // The shipped checkpoint's 4 latent groups; the sample canvases drawn (not blank); resampling
          // draws new digits.
          const pixels = () =>
            page.$$eval(`${selector} canvas`, (cs) =>
              cs.map((c) => {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let sum = 0;
                let sq = 0;
                for (let i = 0; i < d.length; i += 4) {
                  sum += d[i];
                  sq += d[i] * d[i];
                }
                const n = d.length / 4;
                return {
                  variance: sq / n - (sum / n) ** 2,
                  checksum: d.reduce((a, v, i) => (a + v * ((i % 997) + 1)) % 1000000007, 0),
                };
              }),
            );
          const before = await pixels();
          check(
            data.groups === '4' && before.length === 2 && before.every((c) => c.variance > 100),
            `${path}: demo nvae loads the shipped checkpoint and draws its samples and hierarchy`,
            `${data.groups} groups, canvas variances ${before.map((c) => c.variance.toFixed(0)).join(', ')}`,
          );
          await page.click(`${selector} [data-action="resample"]`);
          await page.waitForFunction(
            (sel) => document.querySelector(sel)?.getAttribute('data-seed') === '2',
            selector,
            { timeout: DEMO_TIMEOUT_MS },
          );
          const again = await waitForStatus(page, selector, ['ready'], DEMO_TIMEOUT_MS);
          const after = await pixels();
          check(
            again.status === 'ready' && after[0].checksum !== before[0].checksum,
            `${path}: demo nvae resamples (seed 1 → 2) and draws new digits`,
            `${describe(again)}`,
          );
          const png = await page
            .$eval('img[alt^="64 samples of the NVAE"]', (img) => img.naturalWidth)
            .catch(() => 0);
          check(png > 0, `${path}: the CLI's sample grid at temperature 0.8 is shown`, `naturalWidth ${png}`);
        }
        if (demo === 'fit-gaussian') {
          const done = await waitForStatus(page, selector, ['done'], FIT_DONE_TIMEOUT_MS);
          const start = Number(done.lossStart);
          const end = Number(done.loss);
          check(
            done.status === 'done' && Number.isFinite(start) && Number.isFinite(end) && end < start,
            `${path}: demo fit-gaussian's divergence falls`,
            `${describe(done)}, step ${done.step}, ${start.toFixed(4)} → ${end.toFixed(4)}, q = N(${Number(done.loc).toFixed(3)}, ${Number(done.scale).toFixed(3)}²)`,
          );
        }
      }
      await page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
      check(errors.length === 0, `${path}: no console or page error`, errors.slice(0, 3).join(' | '));
      await page.close();
    }

    // The API reference: one class page, with its content and the API's own sidebar.
    const apiPath = '/api/@elbo/distributions/classes/Normal';
    if (wanted(apiPath)) {
      const api = await open(context, `${base}${apiPath}`);
      const title = await api.page.$eval('.vp-doc h1', (h) => h.textContent ?? '').catch(() => '');
      const text = await api.page.$eval('.vp-doc', (d) => d.textContent ?? '').catch(() => '');
      const symbols = await api.page.$$eval('.VPSidebar a.link', (as) =>
        as.map((a) => new URL(a.href).pathname),
      );
      check(
        api.status === 200 &&
          title.includes('Normal') &&
          text.includes('logProb') &&
          text.includes('N(loc, scale²)'),
        `${apiPath}: the Normal class page documents logProb`,
        `HTTP ${api.status}, title "${title.trim()}", ${text.length} characters`,
      );
      check(
        symbols.includes(apiPath) && symbols.includes('/api/@elbo/distributions/classes/Bernoulli'),
        `${apiPath}: the sidebar lists the package's symbols`,
        `${symbols.length} links`,
      );
      await api.page.screenshot({ path: join(results, 'api-normal.png'), fullPage: false });
      check(
        api.errors.length === 0,
        `${apiPath}: no console or page error`,
        api.errors.slice(0, 3).join(' | '),
      );
      await api.page.close();
    }

    // The auto-encoder trained on wasm when the link asks for it.
    const aePath = '/guide/auto-encoder';
    if (wanted(aePath)) {
      const opened = Date.now();
      const ae = await open(context, `${base}${aePath}?backend=wasm`);
      const done = await waitForStatus(ae.page, '[data-demo="autoencoder"]', ['done'], DEMO_TIMEOUT_MS);
      check(
        done.backend === 'wasm' && done.status === 'done' && lossFalls(done),
        `${aePath}?backend=wasm: demo autoencoder trains on wasm, done within ${DEMO_TIMEOUT_MS / 1000} s`,
        `${describe(done)}, step ${done.step}, ${Number(done.lossStart).toFixed(1)} → ${Number(done.loss).toFixed(1)} nats, ${((Date.now() - opened) / 1000).toFixed(1)} s after opening`,
      );
      check(
        ae.errors.length === 0,
        `${aePath}?backend=wasm: no console or page error`,
        ae.errors.slice(0, 3).join(' | '),
      );
      await ae.page.close();
    }

    // The NVAE checkpoint sampled on wasm when the link asks for it.
    const nvaePath = '/guide/nvae';
    if (wanted(nvaePath)) {
      const nv = await open(context, `${base}${nvaePath}?backend=wasm`);
      const ready = await waitForStatus(nv.page, '[data-demo="nvae"]', ['ready'], DEMO_TIMEOUT_MS);
      check(
        ready.backend === 'wasm' && ready.status === 'ready' && ready.groups === '4',
        `${nvaePath}?backend=wasm: demo nvae samples on wasm`,
        describe(ready),
      );
      check(
        nv.errors.length === 0,
        `${nvaePath}?backend=wasm: no console or page error`,
        nv.errors.slice(0, 3).join(' | '),
      );
      await nv.page.close();
    }

    // The backend switch, on the fit demo's page: webgl → wasm → cpu, kept in ?backend=.
    const switchPath = '/guide/variational-inference';
    if (!wanted(switchPath)) return;
    const { page, errors } = await open(context, `${base}${switchPath}`);
    const selector = '[data-demo="fit-gaussian"]';
    await waitForStatus(page, selector, ['ready', 'done', 'training'], DEMO_TIMEOUT_MS);
    for (const backend of ['wasm', 'cpu']) {
      await page.selectOption(`${selector} [data-backend-switch] select`, backend);
      await page
        .waitForFunction(
          ({ selector, backend }) =>
            document.querySelector(selector)?.getAttribute('data-backend') === backend,
          { selector, backend },
          { timeout: DEMO_TIMEOUT_MS },
        )
        .catch(() => undefined);
      const data = await waitForStatus(page, selector, ['done'], FIT_DONE_TIMEOUT_MS);
      const query = new URL(page.url()).searchParams.get('backend');
      check(
        data.backend === backend && data.status === 'done' && Number(data.loss) < Number(data.lossStart),
        `${switchPath}: the switch to ${backend} runs the fit there`,
        `${describe(data)}, ?backend=${query}, ${Number(data.lossStart).toFixed(4)} → ${Number(data.loss).toFixed(4)}`,
      );
      check(query === backend, `${switchPath}: ?backend=${backend} in the URL`, `?backend=${query}`);
      await page.screenshot({ path: join(results, `backend-${backend}.png`), fullPage: true });
    }
    // A link with ?backend= starts there directly.
    const direct = await open(context, `${base}${switchPath}?backend=cpu`);
    const data = await waitForStatus(direct.page, selector, ['ready', 'done'], DEMO_TIMEOUT_MS);
    check(data.backend === 'cpu', `${switchPath}?backend=cpu: starts on cpu`, describe(data));
    check(
      errors.length === 0 && direct.errors.length === 0,
      `${switchPath}: no console or page error while switching`,
      [...errors, ...direct.errors].slice(0, 3).join(' | '),
    );
    await direct.page.close();
    // A shared link with the demo's knobs in the URL (forward KL, other means) hydrates without a
    // mismatch and runs with those knobs.
    const shared = await open(context, `${base}${switchPath}?div=kl-forward&m1=-3&m2=1.5`);
    const sharedData = await waitForStatus(shared.page, selector, ['done'], DEMO_TIMEOUT_MS);
    check(
      shared.errors.length === 0,
      `${switchPath}?div=kl-forward&m1=-3&m2=1.5: no console error (hydration) and the demo finishes`,
      [...shared.errors.slice(0, 3), describe(sharedData)].join(' | '),
    );
    await shared.page.close();
    await page.close();
  } finally {
    await browser.close();
    server.close();
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${results})`);
  }
}

try {
  await main();
} catch (error) {
  check(false, 'the e2e run itself', error instanceof Error ? error.message : String(error));
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
