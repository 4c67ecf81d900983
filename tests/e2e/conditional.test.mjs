// Conditional training in the page: the Conditional (MLP) preset learns to draw the digit
// asked for (judged by the classifier on samples drawn as 0–9), its grid has a column per
// digit, and a dataset without a labels file is a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, OUTPUT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const page = (query = '') => open(browser, `${server.url}/www/index.html${query}`);
const state = (p) => p.evaluate(() => ({ ...window.webgan }));

test('the Conditional (MLP) preset draws the digits asked for within 2,000 steps', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await page('?backend=cpu&preset=conditional&steps=50');
  await p.waitForFunction(() => window.webgan.conditional === true && window.webgan.grids >= 1, null, { timeout: 120_000 });
  // One column per digit: the grid canvas is 10 digits wide.
  assert.equal(await p.evaluate(() => document.getElementById('grid').width), 10 * 28);
  assert.match(await p.locator('#grid').getAttribute('aria-label'), /rows of the digits 0 to 9/);
  await p.waitForFunction(() => window.webgan.quality?.step >= 2000, null, { timeout: 280_000 });
  const q = (await state(p)).quality;
  console.log(`conditional MLP: step ${q.step}: agreement ${(100 * q.agreement).toFixed(1)}%, score ${q.score.toFixed(2)}, FD ${q.fd.toFixed(1)}`);
  assert.ok(q.agreement >= 0.8, `only ${(100 * q.agreement).toFixed(1)}% read as the digit asked for`);
  assert.ok(await p.locator('#quality [data-field="agreement-box"]').isVisible());
  await p.screenshot({ path: join(OUTPUT, 'train-conditional.png'), fullPage: true });

  // Paused, the explorer works on the trainer as it is: a grid of its digits, and the sliders
  // of a picked one. Playing again puts it away.
  await p.click('#pause');
  await p.click('#train-explore summary');
  await p.waitForFunction(() => window.webgan.explorer?.grids >= 1 && window.webgan.explorer.conditional, null, { timeout: 60_000 });
  await p.locator('#train-explorer .explorer-cell').nth(13).click();
  await p.waitForFunction(() => window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
  const stepWhilePaused = (await state(p)).step;
  await p.screenshot({ path: join(OUTPUT, 'train-conditional-explore.png'), fullPage: true });
  await p.click('#start');
  await p.waitForFunction((n) => window.webgan.step > n, stepWhilePaused, { timeout: 60_000 });
  assert.equal(await p.locator('#train-explorer .explorer-cell').count(), 0);
  assert.equal(await p.locator('#train-explore-note').isVisible(), true);
  assert.deepEqual(errors, []);
  await p.close();
});

test('conditional training on a dataset without labels says what is missing', { timeout: 120_000 }, async () => {
  // The shipped images under another URL: no labels file goes with them.
  const { page: p } = await page('?backend=cpu&preset=conditional&data=data/mnist-10k-images-idx3-ubyte.gz%3Fcopy&autoplay=0');
  await p.waitForFunction(() => window.webgan.errors.length > 0, null, { timeout: 60_000 });
  const [message] = (await state(p)).errors;
  assert.match(message, /conditional training needs the labels of the digits/);
  assert.equal(await p.locator('#error').isVisible(), true);
  // Training waits for labels rather than failing: the page stays usable.
  await p.click('#step-once');
  await p.waitForFunction(() => document.getElementById('rate').textContent === 'waiting for labels', null, { timeout: 30_000 });
  await p.close();
});
