// The public API on the shipped digits: GanTrainer trains through `import init, { GanTrainer }
// from './pkg/webgan.js'` on the CPU and on WebGPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open } from './harness.mjs';
import { PRESETS } from '../../www/presets.js';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

for (const [backend, steps] of [['cpu', 30], ['webgpu', 3]]) {
  test(`trains on the 10k shipped digits with backend "${backend}"`, { timeout: 600_000 }, async () => {
    const { page, errors } = await open(browser, `${server.url}/tests/e2e/api.html`);
    await page.waitForFunction(() => window.ready);
    const result = await page.evaluate(([b, n]) => window.trainOnDigits(b, n), [backend, steps]);
    console.log(`${backend}: ${JSON.stringify(result)}`);
    assert.equal(result.backend, backend);
    assert.equal(result.count, 10000);
    assert.equal(result.last.step, steps + 1);
    for (const key of ['d_loss', 'g_loss']) assert.ok(Number.isFinite(result.last[key]) && result.last[key] > 0, key);
    assert.equal(result.imageBytes, 4 * 784);
    if (backend === 'webgpu') assert.ok(result.adapter, 'no adapter name');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

// GanTrainer.create's defaults are the page's presets: an API user who names only the
// architecture, loss and conditioning trains exactly as the preset for them does, and
// `defaults: "classic"` is the textbook setup (the Without R1 preset's settings).
test('the API defaults to the presets, and to the classic setup one option away', { timeout: 120_000 }, async () => {
  const { page, errors } = await open(browser, `${server.url}/tests/e2e/api.html`);
  await page.waitForFunction(() => window.ready);
  const cases = [
    ['default', {}],
    ['dcgan', { architecture: 'dcgan' }],
    ['wgan-gp', { architecture: 'dcgan', loss: 'wgan-gp' }],
    ['conditional', { conditional: true }],
    ['conditional-dcgan', { architecture: 'dcgan', conditional: true }],
    ['no-r1', { defaults: 'classic' }],
  ];
  for (const [id, options] of cases) {
    const settings = await page.evaluate((o) => window.settingsOf(o), options);
    const preset = PRESETS.find((p) => p.id === id).settings;
    for (const [key, value] of Object.entries(preset)) {
      assert.equal(settings[key], value, `${id}: ${key} is ${settings[key]}, the preset's ${value}`);
    }
  }
  // Every preset says all it means: it trains the same whichever defaults lie under it.
  for (const { id, settings } of PRESETS) {
    const [over, overClassic] = await Promise.all([settings, { ...settings, defaults: 'classic' }]
      .map((o) => page.evaluate((x) => window.settingsOf(x), o)));
    assert.deepEqual(over, overClassic, `preset ${id} depends on the defaults`);
  }
  // Nothing but the defaults differs between the two: the classic setup is one option away.
  const [recommended, classic] = await Promise.all([{}, { defaults: 'classic' }].map((o) => page.evaluate((x) => window.settingsOf(x), o)));
  const differ = Object.keys(recommended).filter((k) => recommended[k] !== classic[k]).sort();
  assert.deepEqual(differ, ['depth', 'discriminatorLearningRate', 'learningRate', 'r1Penalty']);
  assert.deepEqual(errors, []);
  await page.close();
});
