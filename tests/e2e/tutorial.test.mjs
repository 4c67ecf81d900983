// The tutorial, the <webgan-demo> element and embed.html in headless Chromium: every widget
// does its job, two elements share one worker, and axe-core finds no serious or critical
// accessibility violations on the three pages. Screenshots go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, axeViolations, OUTPUT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const tutorial = (p) => p.evaluate(() => JSON.parse(JSON.stringify(window.tutorial)));

/** The layer table's rows as [tensor, shape, parameters] texts, and its caption. */
const layerTable = (p) => p.evaluate(() => ({
  rows: [...document.querySelectorAll('#networks-table tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent)),
  caption: document.querySelector('#networks-table caption').textContent,
}));

/** Checks the table against the layers it was drawn from: G's tensors, then D's, and their counts. */
function assertLayerTable(table, layers) {
  assert.deepEqual(table.rows.map(([name]) => name), layers.map((l) => l.name));
  const firstD = layers.findIndex((l) => l.name.startsWith('discriminator.'));
  assert.ok(firstD > 0, 'G comes first');
  assert.ok(layers.slice(0, firstD).every((l) => l.name.startsWith('generator.')), 'G, then D');
  assert.ok(layers.slice(firstD).every((l) => l.name.startsWith('discriminator.')), 'G, then D');
  const total = { generator: 0, discriminator: 0 };
  table.rows.forEach(([name, shape, count], i) => {
    const dims = shape.split(' × ').map(Number);
    assert.equal(dims.join(), layers[i].shape.join(), name);
    assert.equal(layers[i].count, dims.reduce((a, b) => a * b, 1), name);
    assert.equal(count, layers[i].count.toLocaleString('en'), name);
    total[name.split('.')[0]] += layers[i].count;
  });
  assert.equal(table.caption, `Weight tensors: G has ${total.generator.toLocaleString('en')} numbers, D ${total.discriminator.toLocaleString('en')}`);
}

test('every tutorial widget does its job', { timeout: 600_000 }, async () => {
  const { page: p, errors, requests } = await open(browser, `${server.url}/www/tutorial.html`);
  await p.setViewportSize({ width: 1280, height: 900 });

  // 1. Real digits beside the untrained generator's noise.
  await p.waitForFunction(() => window.tutorial.what?.real && window.tutorial.what?.fake, null, { timeout: 120_000 });
  assert.match(await p.locator('#what-real').getAttribute('aria-label'), /real handwritten digits/);

  // 2. Layers read from the model, and D's verdict.
  await p.waitForFunction(() => window.tutorial.networks?.verdict, null, { timeout: 60_000 });
  let n = await tutorial(p);
  assert.deepEqual(n.networks.layers.map((l) => l.name), [
    'generator.hidden.bias', 'generator.hidden.weight', 'generator.output.bias', 'generator.output.weight',
    'discriminator.hidden.bias', 'discriminator.hidden.weight', 'discriminator.output.bias', 'discriminator.output.weight',
  ]);
  assert.equal(n.networks.layers.reduce((a, l) => a + l.count, 0), 100 * 256 + 256 + 256 * 784 + 784 + 784 * 256 + 256 + 256 + 1);
  const mlpTable = await layerTable(p);
  assertLayerTable(mlpTable, n.networks.layers);
  assert.equal(mlpTable.caption, 'Weight tensors: G has 227,344 numbers, D 201,217');
  assert.match(await p.locator('#networks-verdict').textContent(), /D\(G\(z\)\) = 0\.\d{3}/);
  await p.selectOption('#networks-architecture', 'dcgan');
  await p.waitForFunction(() => window.tutorial.networks?.architecture === 'dcgan' && window.tutorial.networks.verdict, null, { timeout: 120_000 });
  n = await tutorial(p);
  assert.ok(n.networks.layers.some((l) => l.name === 'generator.up1.weight' && l.shape.join() === '64,32,4,4'), JSON.stringify(n.networks.layers));
  assertLayerTable(await layerTable(p), n.networks.layers);

  // 3. A D step pulls D(x) and D(G(z)) apart; a G step pushes D(G(z)) back up.
  await p.waitForFunction(() => window.tutorial.loop.length === 1, null, { timeout: 60_000 });
  for (let i = 0; i < 3; i++) {
    await p.click('#loop-d');
    await p.waitForFunction((k) => window.tutorial.loop.length === k, i + 2);
  }
  const afterD = (await tutorial(p)).loop;
  assert.ok(afterD[3].real > afterD[0].real && afterD[3].fake < afterD[0].fake, JSON.stringify(afterD));
  await p.click('#loop-g');
  await p.waitForFunction(() => window.tutorial.loop.length === 5);
  const afterG = (await tutorial(p)).loop;
  assert.ok(afterG[4].fake > afterG[3].fake, JSON.stringify(afterG));
  assert.equal(await p.locator('#loop-history li').count(), 5);

  // 4. Live training in the <webgan-demo> element, charted from its step events.
  await p.locator('#learning-demo').locator('button', { hasText: 'Start' }).click();
  await p.waitForFunction(() => window.tutorial.learning >= 40, null, { timeout: 60_000 });
  assert.match(await p.locator('#learning-demo canvas').getAttribute('aria-label'), /A digit classifier reads them as \d+× \d/);

  // 5. The textbook preset collapses and the panel says so; the default does not.
  await p.click('#w-unstable [data-preset="textbook"]');
  await p.waitForFunction(() => window.tutorial.unstable?.preset === 'textbook' && window.tutorial.unstable.step >= 3000 && window.tutorial.unstable.histogram, null, { timeout: 200_000 });
  const collapsed = (await tutorial(p)).unstable;
  console.log(`tutorial textbook: step ${collapsed.step}, score ${collapsed.score.toFixed(2)}, classes ${collapsed.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.match(await p.locator('#unstable-quality .warning').textContent(), /^Mode collapse: /);
  await p.screenshot({ path: join(OUTPUT, 'tutorial-collapse.png') });
  // R1 on the same one-layer network fixes it.
  await p.click('#w-unstable [data-id="r1"]');
  await p.waitForFunction(() => window.tutorial.unstable?.preset === 'r1' && window.tutorial.unstable.step >= 3000 && window.tutorial.unstable.histogram, null, { timeout: 200_000 });
  const fixed = (await tutorial(p)).unstable;
  console.log(`tutorial β1 0.5 + R1: step ${fixed.step}, score ${fixed.score.toFixed(2)}, classes ${fixed.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(await p.locator('#unstable-quality .warning').isHidden(), true);
  await p.screenshot({ path: join(OUTPUT, 'tutorial-fixed.png') });
  // The Default preset adds the second hidden layer: it trains in the same widget, two layers
  // deep (its figures at 3,000 steps are the benchmark's), and keeps every digit.
  await p.click('#w-unstable [data-preset="default"]:not([data-options])');
  await p.waitForFunction(() => window.tutorial.unstable?.preset === 'default' && window.tutorial.unstable.step >= 1000 && window.tutorial.unstable.histogram, null, { timeout: 200_000 });
  const deeper = (await tutorial(p)).unstable;
  console.log(`tutorial default (two layers): step ${deeper.step}, score ${deeper.score.toFixed(2)}, classes ${deeper.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(await p.locator('#unstable-quality .warning').isHidden(), true);
  assert.match(await p.locator('#unstable-status').textContent(), /^Default \(MLP\): step /);
  // The DCGAN trains in the same widget (its quality check comes at step 500, minutes away here).
  await p.click('#w-unstable [data-preset="dcgan"]');
  await p.waitForFunction(() => /^DCGAN: step [1-9]/.test(document.getElementById('unstable-status').textContent), null, { timeout: 120_000 });
  // The labels fix: the default told each digit's label is ahead at 1,000 steps of the
  // one-layer MLP with R1 at 3,000, with every digit present.
  await p.click('#w-unstable [data-id="default+labels"]');
  await p.waitForFunction(() => window.tutorial.unstable?.preset === 'default+labels' && window.tutorial.unstable.step >= 1000 && window.tutorial.unstable.histogram, null, { timeout: 200_000 });
  const labelled = (await tutorial(p)).unstable;
  console.log(`tutorial default + labels: step ${labelled.step}, score ${labelled.score.toFixed(2)}, agreement ${(100 * labelled.agreement).toFixed(1)}%, classes ${labelled.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.ok(labelled.score > fixed.score, `with labels ${labelled.score} at step ${labelled.step}, without ${fixed.score} at ${fixed.step}`);
  assert.ok(Math.min(...labelled.histogram) >= 0.05, labelled.histogram.join(' '));
  assert.match(await p.locator('#unstable-status').textContent(), /^Default \+ labels: step /);
  await p.click('#unstable-stop');

  // 6. The conditional generator in the explorer: a grid with a column per digit, a path
  // between two picked 3s, and the sliders of the latest pick.
  await p.waitForFunction(() => {
    const e = window.tutorial.explore;
    return e && e.conditional && e.columns === 10 && e.picked.length === 2 && e.stripFrames > 0 && e.sliders === 8;
  }, null, { timeout: 120_000 });
  const explore = (await tutorial(p)).explore;
  assert.deepEqual(explore.picked, [3, 13]);
  assert.match(explore.alts.strip, /^Frames along the path/);

  // Excerpts are cut from the project's source.
  assert.match(await p.locator('#excerpt-mlp').textContent(), /fn forward\(&self, input: Tensor<2>\) -> Tensor<2>/);
  assert.match(await p.locator('#excerpt-step').textContent(), /self\.discriminator_update\(/);
  assert.match(await p.locator('#excerpt-presets').textContent(), /beta1: 0\.9/);
  assert.match(await p.locator('#excerpt-default').textContent(), /r1Penalty: 5/);
  assert.match(await p.locator('#excerpt-r1').textContent(), /forward_with_input_grad\(real, labels\);[^]*input_grad\.square\(\)\.sum_dim\(1\)\.mean\(\)/);

  await p.screenshot({ path: join(OUTPUT, 'tutorial-1280.png'), fullPage: true });
  // Five sessions, two architectures and three presets later, the digits were downloaded once.
  assert.equal(requests.filter((path) => path.endsWith('/mnist-10k-images-idx3-ubyte.gz')).length, 1, JSON.stringify(requests));
  assert.deepEqual((await tutorial(p)).errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('the tutorial at 360 px: no sideways scrolling, keyboard-operable, reduced motion respected', { timeout: 200_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, reducedMotion: 'reduce' });
  const p = await context.newPage();
  await p.goto(`${server.url}/www/tutorial.html`);
  await p.waitForFunction(() => window.tutorial?.loop.length === 1, null, { timeout: 120_000 });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  // Keyboard: focus the D-step button and press Enter.
  await p.focus('#loop-d');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => window.tutorial.loop.length === 2);
  // The live demo waits for the reader instead of autoplaying.
  await p.waitForTimeout(1000);
  assert.equal(await p.evaluate(() => window.tutorial.learning), 0);
  await p.screenshot({ path: join(OUTPUT, 'tutorial-360.png'), fullPage: true });
  // The demo page and the embed page fit too.
  for (const path of ['/www/index.html?autoplay=0&backend=cpu', '/www/embed.html?mode=generate&backend=cpu']) {
    await p.goto(`${server.url}${path}`);
    await p.waitForTimeout(1500);
    const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(wide <= 0, `${path} scrolls sideways by ${wide} px at 360 px`);
  }
  await context.close();
});

test('two <webgan-demo> elements, one training and one generating, share one worker', { timeout: 200_000 }, async () => {
  const { page: p, errors, requests } = await open(browser, `${server.url}/tests/e2e/two-demos.html`);
  await p.waitForFunction(() => window.seen.steps >= 30 && window.seen.ready === 2, null, { timeout: 120_000 });
  await p.waitForFunction(() => document.querySelector('#generator').shadowRoot.querySelector('canvas').getAttribute('aria-label').includes('reads them as'));
  const label = await p.evaluate(() => document.querySelector('#generator').shadowRoot.querySelector('canvas').getAttribute('aria-label'));
  console.log(`two demos: ${label}`);
  assert.equal(requests.filter((path) => path.endsWith('/worker.js')).length, 1);
  assert.equal(requests.filter((path) => path.endsWith('.wasm')).length, 1);
  // Pause and Step from the keyboard.
  const trainer = p.locator('#trainer');
  await trainer.locator('button', { hasText: 'Pause' }).press('Enter');
  const paused = await p.evaluate(() => window.seen.steps);
  await p.waitForTimeout(800);
  const settled = await p.evaluate(() => window.seen.steps);
  await p.waitForTimeout(800);
  assert.equal(await p.evaluate(() => window.seen.steps), settled, `kept training after pause (${paused})`);
  await trainer.locator('button', { hasText: 'Step' }).press('Enter');
  await p.waitForFunction((n) => window.seen.steps === n + 1, settled);
  await p.screenshot({ path: join(OUTPUT, 'two-demos.png'), fullPage: true });
  assert.deepEqual(await p.evaluate(() => window.seen.errors), []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('embed.html shows one element chosen by the URL, and reports bad weights', { timeout: 120_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/embed.html?mode=generate&backend=cpu`);
  await p.waitForFunction(() => document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label').includes('reads them as'), null, { timeout: 60_000 });
  await p.screenshot({ path: join(OUTPUT, 'embed-generate.png') });
  assert.deepEqual(errors, []);
  await p.goto(`${server.url}/www/embed.html?mode=generate&backend=cpu&weights=data/mnist-10k-labels-idx1-ubyte.gz`);
  await p.waitForFunction(() => document.querySelector('webgan-demo')?.shadowRoot.querySelector('.error').textContent.length > 0);
  assert.match(await p.evaluate(() => document.querySelector('webgan-demo').shadowRoot.querySelector('.error').textContent), /Generator.load:/);
  await p.close();
});

for (const [name, path, ready] of [
  ['index', '/www/index.html?autoplay=0&backend=cpu', () => window.webgan?.grids >= 1],
  ['tutorial', '/www/tutorial.html', () => window.tutorial?.loop.length >= 1 && window.tutorial.networks?.verdict],
  ['embed', '/www/embed.html?mode=train&backend=cpu', () => document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label').includes('reads them as')],
]) {
  test(`axe-core: no serious or critical violations on ${name}`, { timeout: 120_000 }, async () => {
    const { page: p } = await open(browser, `${server.url}${path}`);
    await p.waitForFunction(ready, null, { timeout: 100_000 });
    const violations = await axeViolations(p);
    assert.deepEqual(violations, []);
    await p.close();
  });
}
