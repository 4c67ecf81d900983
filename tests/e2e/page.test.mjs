// The demo page in headless Chromium: training in the worker on both backends, the controls,
// the inference-only mode, and how bad input is reported. Screenshots go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, OUTPUT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const page = (query = '') => open(browser, `${server.url}/www/index.html${query}`);
const shot = (p, name) => p.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
const state = (p) => p.evaluate(() => ({ ...window.webgan }));
const wasmFetched = (requests) => requests.filter((path) => path.endsWith('.wasm')).map((path) => path.replace('/www/', ''));
const canvasPixels = (p, id) => p.evaluate((id) => {
  const c = document.getElementById(id);
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
}, id);

test('the page loads with no console errors and starts training by itself', async () => {
  const { page: p, errors, requests } = await page();
  await p.waitForFunction(() => window.webgan.backend && window.webgan.step > 0);
  await p.waitForFunction(() => document.getElementById('data-status').textContent === '10,000 images');
  await shot(p, 'train-loaded');
  assert.deepEqual(errors, []);
  // auto picks the CPU over a software adapter such as this machine's SwiftShader.
  const s = await state(p);
  console.log(`default page: backend ${s.backend}, first trained step ${Math.round(s.firstStepMs)} ms after load`);
  if (s.backend === 'cpu') {
    assert.equal(await p.locator('#backend').textContent(), 'CPU (WebAssembly)');
    // Training on the CPU never downloads the WebGPU build.
    assert.deepEqual(wasmFetched(requests), ['pkg-cpu/webgan_bg.wasm']);
  }
  await p.close();
});

for (const [backend, steps, label] of [['cpu', 100, 'CPU (WebAssembly)'], ['webgpu', 6, 'WebGPU — ']]) {
  test(`training runs ${steps} steps on ${backend} and the grid changes`, { timeout: 600_000 }, async () => {
    const { page: p, errors, requests } = await page(`?autoplay=0&backend=${backend}&steps=${backend === 'cpu' ? 5 : 2}`);
    await p.waitForFunction(() => window.webgan.backend && window.webgan.grids >= 1, null, { timeout: 300_000 });
    const before = await canvasPixels(p, 'grid');
    await p.click('#start');
    await p.waitForFunction((n) => window.webgan.step >= n && window.webgan.grids >= 2, steps, { timeout: 500_000 });
    const after = await canvasPixels(p, 'grid');
    const s = await state(p);
    console.log(`${backend}: first trained step ${Math.round(s.firstStepMs)} ms after page load; ` +
      `step ${s.step}; rate ${await p.locator('#rate').textContent()} steps/s; long tasks ${JSON.stringify(s.longTasks)}`);
    assert.equal(s.backend, backend);
    assert.ok((await p.locator('#backend').textContent()).startsWith(label));
    assert.notDeepEqual(after, before, 'the grid did not change');
    if (backend === 'cpu') {
      // The quality panel scores samples every 500 steps while training goes on.
      await p.waitForFunction(() => window.webgan.quality !== null, null, { timeout: 60_000 });
      const q = (await state(p)).quality;
      console.log(`cpu: quality of ${q.samples} samples at step ${q.step} took ${Math.round(q.ms)} ms: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}`);
      assert.equal(q.histogram.length, 10);
      assert.ok(Math.abs(q.histogram.reduce((a, b) => a + b) - 1) < 1e-9);
      assert.ok(q.score >= 1 && q.score <= 10 && q.fd > 0, JSON.stringify(q));
    }
    assert.deepEqual(wasmFetched(requests), [backend === 'cpu' ? 'pkg-cpu/webgan_bg.wasm' : 'pkg/webgan_bg.wasm']);
    assert.ok(s.longTasks.every((ms) => ms < 200), `main-thread long tasks: ${s.longTasks}`);
    await shot(p, `train-${backend}`);
    assert.deepEqual(errors, []);
    await p.close();
  });
}

test('the textbook preset collapses within 3,000 steps and the quality panel says so', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await page('?backend=cpu&preset=textbook&steps=50');
  await p.waitForFunction(() => window.webgan.quality?.step >= 3000, null, { timeout: 280_000 });
  const q = (await state(p)).quality;
  console.log(`textbook: step ${q.step}: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}, classes ${q.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  const warning = p.locator('#quality .warning');
  assert.equal(await warning.isVisible(), true);
  assert.match(await warning.textContent(), /^Mode collapse: /);
  assert.ok(q.score < 3, `score ${q.score}`);
  await shot(p, 'train-textbook-collapse');
  assert.deepEqual(errors, []);
  await p.close();
});

test('the default preset reaches score ≥ 7, FD ≤ 80, with every class ≥ 5% in 3,000 steps, without a collapse warning', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await page('?backend=cpu&steps=50');
  await p.waitForFunction(() => window.webgan.quality?.step >= 3000, null, { timeout: 280_000 });
  const q = (await state(p)).quality;
  console.log(`default: step ${q.step}: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}, classes ${q.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(await p.locator('#quality .warning').isHidden(), true);
  assert.ok(Math.max(...q.histogram) <= 0.35, JSON.stringify(q.histogram));
  // Issue 15's bar for the two-layer Default preset (the benchmark checks it on 1,500 samples
  // and 3 seeds; the one-layer MLP reached about 6.7, FD 130).
  assert.ok(q.score >= 7 && q.fd <= 80, `score ${q.score}, FD ${q.fd}`);
  assert.ok(Math.min(...q.histogram) >= 0.05, JSON.stringify(q.histogram));
  await shot(p, 'train-default-3000');
  assert.deepEqual(errors, []);
  await p.close();
});

test('the settings pick the DCGAN with WGAN-GP, and it trains on the CPU', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await page('?autoplay=0&backend=cpu&steps=2');
  await p.waitForFunction(() => window.webgan.backend && window.webgan.grids >= 1);
  assert.equal(await p.inputValue('#r1'), '5');
  await p.selectOption('#preset', 'wgan-gp');
  assert.equal(await p.inputValue('#architecture'), 'dcgan');
  assert.equal(await p.inputValue('#loss'), 'wgan-gp');
  assert.equal(await p.isDisabled('#r1'), true, 'R1 is a BCE option');
  assert.match(await p.locator('#preset-note').textContent(), /gradient penalty/);
  await p.click('#reset');
  await p.waitForFunction(() => window.webgan.backend && window.webgan.grids >= 1);
  const before = await canvasPixels(p, 'grid');
  await p.click('#start');
  await p.waitForFunction(() => window.webgan.step >= 25 && window.webgan.grids >= 2, null, { timeout: 280_000 });
  assert.notDeepEqual(await canvasPixels(p, 'grid'), before, 'the grid did not change');
  // A critic's scores are not probabilities: the chart says so and has a free axis.
  assert.equal(await p.locator('#chart-prob .u-title').textContent(), 'Critic scores');
  await shot(p, 'train-wgan-gp');
  assert.deepEqual(errors, []);
  await p.close();
});

test('depth 3 is offered for the DCGAN alone, and the DCGAN preset picks it', async () => {
  const { page: p, errors } = await page('?autoplay=0&backend=cpu');
  await p.waitForFunction(() => window.webgan.backend && window.webgan.grids >= 1);
  const depth3Disabled = () => p.locator('#depth option[value="3"]').evaluate((o) => o.disabled);
  assert.equal(await p.inputValue('#architecture'), 'mlp');
  assert.equal(await depth3Disabled(), true, 'the MLP goes to depth 2');
  await p.selectOption('#preset', 'dcgan');
  assert.deepEqual([await p.inputValue('#depth'), await depth3Disabled()], ['3', false]);
  await p.selectOption('#preset', 'conditional-dcgan');
  assert.equal(await p.inputValue('#depth'), '2');
  await p.selectOption('#preset', 'dcgan');
  // Switching the architecture to the MLP takes depth 3 down to the MLP's deepest.
  await p.selectOption('#architecture', 'mlp');
  assert.deepEqual([await p.inputValue('#depth'), await depth3Disabled()], ['2', true]);
  assert.deepEqual(errors, []);
  await p.close();
});

test('the DCGAN trains on WebGPU', { timeout: 600_000 }, async () => {
  const { page: p, errors } = await page('?autoplay=0&backend=webgpu&preset=dcgan&steps=1');
  await p.waitForFunction(() => window.webgan.backend && window.webgan.grids >= 1, null, { timeout: 300_000 });
  assert.equal(await p.inputValue('#architecture'), 'dcgan');
  await p.click('#step-once');
  await p.waitForFunction(() => window.webgan.step === 1, null, { timeout: 280_000 });
  await p.click('#step-once');
  await p.waitForFunction(() => window.webgan.step === 2, null, { timeout: 60_000 });
  assert.equal((await state(p)).backend, 'webgpu');
  assert.equal(await p.locator('#chart-prob .u-title').textContent(), 'Discriminator outputs');
  assert.deepEqual(errors, []);
  await p.close();
});

test('pause stops the steps, and step once takes exactly one', async () => {
  const { page: p, errors } = await page('?backend=cpu&steps=2');
  await p.waitForFunction(() => window.webgan.step >= 10);
  await p.click('#pause');
  await p.waitForTimeout(500); // lets the request in flight land
  const paused = (await state(p)).step;
  await p.waitForTimeout(1500);
  assert.equal((await state(p)).step, paused, 'steps continued after pause');
  assert.equal(await p.locator('#start').isDisabled(), false);
  await p.click('#step-once');
  await p.waitForFunction((n) => window.webgan.step === n + 1, paused);
  await p.waitForTimeout(500);
  assert.equal((await state(p)).step, paused + 1);
  await shot(p, 'train-paused');
  assert.deepEqual(errors, []);
  await p.close();
});

/** Share of pixels in tone bands: MNIST-like digits are mostly black with white strokes. */
function tones(pixels) {
  const share = (f) => pixels.filter(f).length / pixels.length;
  return { dark: share((v) => v < 40), bright: share((v) => v > 160), mid: share((v) => v >= 80 && v <= 160) };
}

test('generate mode draws digits from the pretrained weights', async () => {
  const { page: p, errors, requests } = await page('?mode=generate');
  await p.waitForFunction(() => window.webgan.grids >= 1);
  const first = await canvasPixels(p, 'samples');
  const t = tones(first);
  console.log(`generate: first grid ${Math.round((await state(p)).firstGridMs)} ms after load; tones ${JSON.stringify(t)}`);
  // Blank would be all dark; noise would be spread over mid-greys.
  assert.ok(t.dark > 0.6 && t.dark < 0.95, `dark share ${t.dark}`);
  assert.ok(t.bright > 0.04 && t.bright < 0.35, `bright share ${t.bright}`);
  assert.ok(t.mid < 0.12, `mid-grey share ${t.mid}: looks like noise`);
  assert.equal(await p.locator('#train-view').isHidden(), true);
  await shot(p, 'generate');
  await p.click('#new-samples');
  await p.waitForFunction(() => window.webgan.grids >= 2);
  assert.notDeepEqual(await canvasPixels(p, 'samples'), first, 'new samples are the same');
  // The quality panel judges 1,000 samples of the shipped conditional DCGAN, the default, drawn
  // as 0–9 in turn: varied digits, nearly all of them the digit asked for.
  await p.waitForFunction(() => window.webgan.quality);
  const q = (await state(p)).quality;
  console.log(`generate (conditional DCGAN): quality of ${q.samples} samples took ${Math.round(q.ms)} ms: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}, agreement ${(100 * q.agreement).toFixed(1)}%, classes ${q.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.ok(q.score > 9 && q.score < q.reference.score, `score ${q.score}`);
  assert.ok(q.agreement >= 0.97, `agreement ${q.agreement}`);
  assert.ok(q.fd > q.reference.fd, `fd ${q.fd}`);
  assert.equal(await p.locator('#gen-quality .warning').isHidden(), true);
  assert.equal(await p.locator('#gen-quality [data-field="score"]').textContent(), q.score.toFixed(2));
  assert.match(await p.locator('#gen-quality .histogram').getAttribute('aria-label'), /^Share of samples predicted as each digit: 0 \d+%/);
  // Generating on the CPU never downloads the WebGPU build.
  if ((await state(p)).backend === 'cpu') assert.deepEqual(wasmFetched(requests), ['pkg-cpu/webgan_bg.wasm']);

  // The classic MLP's weights, which the tutorial uses, are one choice away.
  await p.selectOption('#gen-choice', 'weights/generator-mlp.safetensors');
  await p.waitForFunction(() => window.webgan?.quality && location.search.includes('generator-mlp'));
  const mlp = (await state(p)).quality;
  console.log(`generate (MLP): score ${mlp.score.toFixed(2)}, FD ${mlp.fd.toFixed(1)}, classes ${mlp.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(await p.locator('#gen-weights').textContent(), 'weights/generator-mlp.safetensors');
  assert.ok(mlp.score > 6.5 && mlp.score < q.score, `MLP score ${mlp.score}, DCGAN ${q.score}`);
  await shot(p, 'generate-mlp');
  assert.deepEqual(errors, []);
  await p.close();
});

test('corrupted weights show an error and the page stays usable', async () => {
  const p = await browser.newPage();
  await p.route('**/weights/generator-conditional.safetensors', (route) =>
    route.fulfill({ body: Buffer.from('this is not a safetensors file at all') }));
  await p.goto(`${server.url}/www/index.html?mode=generate&backend=cpu`);
  await p.locator('#error').waitFor({ state: 'visible' });
  const text = await p.locator('#error-text').textContent();
  assert.match(text, /Could not load the generator: Generator.load: weights are not a valid safetensors file/);
  await shot(p, 'generate-corrupt-weights');
  await p.click('#error-close');
  assert.equal(await p.locator('#error').isHidden(), true);
  await p.click('#link-train');
  await p.waitForFunction(() => window.webgan?.mode === 'train' && window.webgan.step > 0);
  await p.close();
});

test('bad datasets show an error and the page stays usable', async () => {
  const { page: p } = await page('?autoplay=0&backend=cpu&data=data/missing.gz');
  await p.locator('#error').waitFor({ state: 'visible' });
  assert.match(await p.locator('#error-text').textContent(), /could not download data\/missing.gz: HTTP 404/);
  await shot(p, 'train-bad-dataset');

  const tryData = async (url, pattern) => {
    await p.fill('#data-url', url);
    await p.click('#data-form button[type=submit]');
    await p.waitForFunction((re) => new RegExp(re).test(document.getElementById('error-text').textContent), pattern.source);
  };
  await tryData('data/mnist-10k-labels-idx1-ubyte.gz', /magic number 0x00000801, expected 0x00000803/);
  await p.route('**/truncated.gz', async (route) => {
    const full = await (await fetch(`${server.url}/www/data/mnist-10k-images-idx3-ubyte.gz`)).arrayBuffer();
    route.fulfill({ body: Buffer.from(full.slice(0, 200_000)) });
  });
  await tryData('truncated.gz', /not valid gzip or IDX data|truncated/);
  await p.route('**/notgzip.gz', (route) => route.fulfill({ body: Buffer.from('plain text, neither gzip nor IDX') }));
  await tryData('notgzip.gz', /not an IDX images file/);

  // A good URL brings training back.
  await p.fill('#data-url', 'data/mnist-10k-images-idx3-ubyte.gz');
  await p.click('#data-form button[type=submit]');
  await p.click('#start');
  await p.waitForFunction(() => window.webgan.step >= 5);
  await p.close();
});
