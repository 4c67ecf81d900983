// Shared pieces of the end-to-end tests: a static file server over the repository and a
// headless Chromium (Debian's, driven by playwright-core) with WebGPU enabled.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const OUTPUT = join(ROOT, 'tests', 'e2e', 'output');

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
};

/**
 * Serves the repository root on a free loopback port, like any plain static server, adding
 * `headers` (a Content-Security-Policy, say) to every response.
 */
export async function serve(headers = {}) {
  const server = createServer(async (request, response) => {
    let path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    try {
      const body = await readFile(join(ROOT, path));
      response.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** The CPU build of the wasm module (www/pkg-cpu), loaded once into Node, for API tests without a browser. */
let cpuBuild;
export async function cpuModule() {
  if (!cpuBuild) {
    const dir = join(ROOT, 'www', 'pkg-cpu');
    cpuBuild = await import(join(dir, 'webgan.js'));
    cpuBuild.initSync({ module: await readFile(join(dir, 'webgan_bg.wasm')) });
  }
  return cpuBuild;
}

export async function launch() {
  await mkdir(OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--enable-unsafe-webgpu', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu-sandbox',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      // performance.memory exact and current, and gc() to read it after a collection, for the
      // soak bench's JS heap.
      '--enable-precise-memory-info', '--js-flags=--expose-gc',
    ],
  });
}

/**
 * A new page (in a context of its own, with Playwright's `contextOptions`: viewport,
 * acceptDownloads, …) that collects console errors, uncaught exceptions and requested URLs.
 */
export async function open(browser, url, contextOptions = {}) {
  const page = await browser.newPage({ locale: 'en-US', ...contextOptions });
  const errors = [];
  const requests = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, errors, requests };
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(p) {
  await p.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
}
