// Fashion-MNIST, built in: the page's dataset menu trains on clothes and the quality panel
// judges them with the clothes classifier and names their classes; generate mode's Fashion
// generator draws clothes of every class; <webgan-demo data="fashion"> does both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, OUTPUT } from './harness.mjs';
import en from '../../www/i18n/en.js';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const DATASET_STRINGS = en.datasets;
const CLOTHES = DATASET_STRINGS.fashion.classes;
const state = (p) => p.evaluate(() => ({ ...window.webgan }));
const barNames = (p, panel) => p.locator(`${panel} .histogram .bar span`).allTextContents();
const canvasPixels = (p, id) => p.evaluate((id) => {
  const c = document.getElementById(id);
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
}, id);

test('the dataset menu switches to Fashion-MNIST: a new run on clothes, judged and named as clothes', { timeout: 300_000 }, async () => {
  const { page: p, errors, requests } = await open(browser, `${server.url}/www/index.html?backend=cpu&autoplay=0&steps=25`);
  await p.waitForFunction(() => window.webgan.grids >= 1 && document.getElementById('data-status').textContent === '10,000 images');
  assert.equal(await p.locator('#dataset').inputValue(), 'mnist');
  await p.click('#start');
  await p.waitForFunction(() => window.webgan.step >= 50);
  await p.selectOption('#dataset', 'fashion');
  // A new run: the step count starts again, on the Fashion images and their labels.
  await p.waitForFunction(() => window.webgan.step === 0);
  await p.waitForFunction(() => document.getElementById('data-status').textContent === '10,000 images');
  assert.equal(await p.locator('#data-url').inputValue(), 'data/fashion-10k-images-idx3-ubyte.gz');
  assert.ok(requests.some((path) => path.endsWith('/fashion-10k-images-idx3-ubyte.gz')), JSON.stringify(requests));
  // The new run goes on playing, as after Reset.
  assert.equal((await state(p)).playing, true);
  const before = await canvasPixels(p, 'grid');
  await p.waitForFunction(() => window.webgan.quality?.step >= 500, null, { timeout: 240_000 });
  const q = (await state(p)).quality;
  console.log(`fashion, Default preset: step ${q.step}: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}, classes ${q.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(q.dataset, 'fashion');
  assert.ok(requests.some((path) => path.endsWith('/classifier-fashion.safetensors')), JSON.stringify(requests));
  // The held-out clothes' own figures, from the clothes classifier, not the digits' 9.6.
  assert.ok(q.reference.score > 7.5 && q.reference.score < 9.5, JSON.stringify(q.reference));
  assert.ok(q.score >= 1 && q.score <= 10 && q.fd > 0, JSON.stringify(q));
  assert.deepEqual(await barNames(p, '#quality'), CLOTHES);
  assert.match(await p.locator('#quality h2').textContent(), /judged by a clothes classifier/);
  assert.match(await p.locator('#quality .histogram').getAttribute('aria-label'), /T-shirt\/top \d+%, Trouser \d+%/);
  assert.notDeepEqual(await canvasPixels(p, 'grid'), before, 'the grid did not change');
  await p.screenshot({ path: join(OUTPUT, 'fashion-train.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await p.close();
});

test('?data=fashion opens on Fashion-MNIST; the digits come back with the menu', { timeout: 120_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?backend=cpu&autoplay=0&data=fashion`);
  await p.waitForFunction(() => window.webgan.grids >= 1 && document.getElementById('data-status').textContent === '10,000 images');
  assert.equal(await p.locator('#dataset').inputValue(), 'fashion');
  assert.equal(await p.locator('#labels-url').inputValue(), 'data/fashion-10k-labels-idx1-ubyte.gz');
  // The menu's names come from the strings table.
  assert.deepEqual((await p.locator('#dataset option').allTextContents()).slice(0, 2),
    [DATASET_STRINGS.mnist.name, DATASET_STRINGS.fashion.name]);
  await p.selectOption('#dataset', 'mnist');
  await p.waitForFunction(() => document.getElementById('data-url').value === 'data/mnist-10k-images-idx3-ubyte.gz');
  // "Your own IDX file" opens the fields to give one, and changes nothing yet.
  await p.selectOption('#dataset', 'own');
  assert.equal(await p.locator('#data-details').getAttribute('open'), '');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'data-url');
  assert.equal(await p.locator('#data-url').inputValue(), 'data/mnist-10k-images-idx3-ubyte.gz');
  assert.deepEqual(errors, []);
  await p.close();
});

test('generate mode\'s Fashion generator draws every class of clothes, as asked', { timeout: 180_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?mode=generate&backend=cpu&weights=weights/generator-fashion.safetensors`);
  await p.waitForFunction(() => window.webgan.quality !== null, null, { timeout: 150_000 });
  const q = (await state(p)).quality;
  console.log(`fashion generator: ${q.samples} samples: score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}, as asked ${(100 * q.agreement).toFixed(1)}%, classes ${q.histogram.map((h) => (100 * h).toFixed(1)).join(' ')}`);
  assert.equal(q.dataset, 'fashion');
  assert.equal(await p.locator('#gen-choice').inputValue(), 'weights/generator-fashion.safetensors');
  // cargo test gives it 7.66 / FD 3.62 / 91.3% on 1,500 samples; the page judges 1,000.
  assert.ok(q.score >= 7.3 && q.fd <= 8, JSON.stringify(q));
  assert.ok(q.agreement >= 0.88, JSON.stringify(q));
  assert.ok(q.histogram.every((h) => h >= 0.08), JSON.stringify(q.histogram));
  assert.deepEqual(await barNames(p, '#gen-quality'), CLOTHES);
  await p.screenshot({ path: join(OUTPUT, 'fashion-generate.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await p.close();
});

test('<webgan-demo data="fashion"> draws clothes and names what the classifier reads', { timeout: 120_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/embed.html?mode=generate&backend=cpu&data=fashion`);
  const label = () => document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label') ?? '';
  await p.waitForFunction(() => (document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label') ?? '')
    .includes('reads them as'), null, { timeout: 90_000 });
  const text = await p.evaluate(label);
  console.log(text);
  assert.match(text, /clothes from the pretrained generator\. A clothes classifier reads them as /);
  // Most of the ten kinds are named.
  assert.ok(CLOTHES.filter((name) => text.includes(`× ${name}`)).length >= 7, text);
  await p.screenshot({ path: join(OUTPUT, 'fashion-embed.png') });
  assert.deepEqual(errors, []);
  await p.close();
});
