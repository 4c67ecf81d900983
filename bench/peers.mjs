// `./build.sh bench peers`: WebGAN's classic MLP GAN step (batch 64, losses read once per 50
// steps) against the same step in TensorFlow.js and jax-js (bench/peers/), all in one headless
// Chromium page; then WebGAN's CPU backend and the wasm peers again in a cross-origin isolated
// page, where SharedArrayBuffer lets the libraries that can use threads use them. Prints a
// table and returns its rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open, ROOT } from '../tests/e2e/harness.mjs';

const CLASSIC = { defaults: 'classic' };
const WEBGAN_VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"/m)?.[1] ?? null;
// [library, backend, timed steps, steps per loss read]; SwiftShader's WebGPU and WebGL take
// about a second a step, TensorFlow.js's plain-JS cpu backend about as long.
const PEERS = [
  ['tfjs', 'wasm', 300, 50], ['jax', 'wasm', 300, 50], ['tfjs', 'cpu', 20, 10],
  ['tfjs', 'webgl', 20, 10], ['tfjs', 'webgpu', 10, 5], ['jax', 'webgpu', 20, 10],
];
const ISOLATED_PEERS = PEERS.filter(([, backend]) => backend === 'wasm');

export async function runPeers({ browser, serverUrl, isolatedServerUrl }) {
  const rows = [
    ...(await inPage(browser, serverUrl, PEERS)),
    ...(await inPage(browser, isolatedServerUrl, ISOLATED_PEERS)),
  ];
  print(rows);
  return rows;
}

/** WebGAN's CPU backend (and WebGPU, unless the page is isolated), then each of `peers`. */
async function inPage(browser, url, peers) {
  const { page, errors } = await open(browser, `${url}/bench/bench.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
  page.setDefaultTimeout(0);
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  // WebGAN: the bench's runBackend, stats every 50 steps only (everyStepSteps 0 times nothing).
  const webgan = async (backend, steps) => {
    const row = { library: 'WebGAN', backend, version: WEBGAN_VERSION, crossOriginIsolated: isolated, threads: backend === 'cpu' ? 1 : null };
    try {
      const run = await page.evaluate(([b, n, s]) => window.runBackend(b, { everyStepSteps: 0, everyFiftySteps: n, memory: [], settings: s }), [backend, steps, CLASSIC]);
      return { ...row, stepsPerSecond: run.everyFifty.stepsPerSecond, adapter: run.adapter, firstStepMs: run.firstStepMs };
    } catch (error) {
      return { ...row, error: String(error.message ?? error).split('\n')[0] };
    }
  };
  // CPU-bound runs first, before SwiftShader's threads are busy with WebGPU and WebGL.
  const rows = [await webgan('cpu', 300)];
  const run = async ([library, backend, steps, every]) => rows.push(await page.evaluate(
    ([l, b, s, e]) => window.runPeer(l, b, { steps: s, every: e, warmup: 2 }), [library, backend, steps, every]));
  for (const peer of peers.filter(([, backend]) => backend === 'wasm' || backend === 'cpu')) await run(peer);
  if (!isolated) rows.push(await webgan('webgpu', 50));
  for (const peer of peers.filter(([, backend]) => backend !== 'wasm' && backend !== 'cpu')) await run(peer);
  await page.close();
  // Each row against WebGAN's CPU steps/s in the same page.
  const base = rows[0].stepsPerSecond;
  return rows.map((row) => ({ ...row, webganCpuRatio: base && row.stepsPerSecond ? base / row.stepsPerSecond : null, ...(errors.length ? { pageErrors: errors } : {}) }));
}

function print(rows) {
  const f = (x, d) => (x === undefined || x === null ? '–' : Number(x).toFixed(d));
  const table = [['library', 'backend', 'isolated', 'threads', 'steps/s', 'WebGAN CPU ×', 'learned? (D loss, G loss: first read → last)']];
  for (const r of rows) {
    const threads = r.threads === null || r.threads === undefined ? '–' : `${r.threads}${r.binary ? ` (${r.binary})` : ''}`;
    const first = r.losses?.[0];
    const last = r.losses?.at(-1);
    const learned = r.error ? `error: ${r.error}`
      : r.library === 'WebGAN' ? '(losses not read here)'
        : r.broken ? `BROKEN: ${r.broken}`
          : `yes: D ${f(first.dLoss, 3)} → ${f(last.dLoss, 3)}, G ${f(first.gLoss, 3)} → ${f(last.gLoss, 3)}`;
    table.push([`${r.library} ${r.version ?? ''}`.trim(), r.backend, r.crossOriginIsolated ? 'yes' : 'no', threads,
      f(r.stepsPerSecond, r.stepsPerSecond < 10 ? 2 : 1), r.webganCpuRatio ? `${f(r.webganCpuRatio, 1)}×` : '–', learned]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  for (const row of table) console.log(row.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd());
  const adapter = rows.find((r) => r.adapter)?.adapter;
  if (adapter) console.log(`WebGPU adapter (WebGAN): ${adapter}`);
}
