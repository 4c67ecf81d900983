// Generate mode opens a local .safetensors file, picked or dropped on the view, and draws from
// it as from the same file by URL; a bad file gives a clear error and keeps the generator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, OUTPUT, ROOT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const generate = (query = '') => `${server.url}/www/index.html?mode=generate&backend=cpu&seed=3${query}`;
const draw = (p) => p.evaluate(() => window.webgan.draw(8, 11));

/** Drops a file holding the bytes at `url` (fetched in the page), or junk, on the generate view. */
const drop = (p, url, name) => p.evaluate(async ({ url, name }) => {
  const bytes = url ? await (await fetch(url)).arrayBuffer() : new TextEncoder().encode('not a safetensors file');
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name));
  const view = document.getElementById('generate-view');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    view.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}, { url, name });

test('a dropped or picked generator file draws what the same file by URL draws; bad files keep the generator', { timeout: 180_000 }, async () => {
  // The classic MLP by URL, for reference.
  const { page: byUrl } = await open(browser, generate('&weights=weights/generator-mlp.safetensors'));
  await byUrl.waitForFunction(() => window.webgan.grids >= 1, null, { timeout: 60_000 });
  const expected = await draw(byUrl);
  await byUrl.close();

  // The default (the conditional DCGAN), then the MLP dropped on the view.
  const { page: p, errors } = await open(browser, generate());
  await p.waitForFunction(() => window.webgan.grids >= 1, null, { timeout: 60_000 });
  assert.equal(await p.evaluate(() => window.webgan.explorer.conditional), true);
  const started = performance.now();
  await drop(p, 'weights/generator-mlp.safetensors', 'generator-mlp.safetensors');
  await p.waitForFunction(() => document.getElementById('gen-weights').textContent === 'generator-mlp.safetensors'
    && window.webgan.explorer.conditional === false && window.webgan.explorer.grids >= 1, null, { timeout: 60_000 });
  console.log(`dropped generator drawn in ${Math.round(performance.now() - started)} ms`);
  assert.deepEqual(await draw(p), expected);
  assert.equal(await p.locator('#gen-choice').inputValue(), 'file:generator-mlp.safetensors');
  assert.equal(await p.locator('#generator-status').textContent(), 'Local file: generator-mlp.safetensors');
  await p.screenshot({ path: join(OUTPUT, 'generate-dropped-file.png'), fullPage: true });

  // Junk: a clear error, and the MLP stays.
  await drop(p, null, 'notes.safetensors');
  await p.locator('#error').waitFor({ state: 'visible' });
  const message = await p.locator('#error-text').textContent();
  console.log(`junk dropped in generate mode: ${message}`);
  assert.match(message, /^Could not open notes\.safetensors: .+\. The current generator stays\.$/);
  assert.deepEqual(await draw(p), expected);
  assert.equal(await p.locator('#gen-weights').textContent(), 'generator-mlp.safetensors');
  await p.click('#error-close');

  // The picker: the unconditional DCGAN.
  const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.click('#open-generator')]);
  assert.equal(await p.locator('#open-generator').textContent(), 'Open a generator file…');
  await chooser.setFiles(join(ROOT, 'www/weights/generator.safetensors'));
  await p.waitForFunction(() => document.getElementById('gen-weights').textContent === 'generator.safetensors', null, { timeout: 60_000 });
  assert.notDeepEqual(await draw(p), expected);
  // The junk file was the one error: nothing the replaced generators' explorers still asked for.
  assert.deepEqual(await p.evaluate(() => window.webgan.errors), [message]);
  assert.deepEqual(errors, []);
  await p.close();
});

test('?weights=handover without a handed-over generator says so and shows the pretrained one', { timeout: 120_000 }, async () => {
  const { page: p } = await open(browser, generate('&weights=handover'));
  await p.locator('#error').waitFor({ state: 'visible' });
  assert.match(await p.locator('#error-text').textContent(), /^No generator has been handed over from training in this browser/);
  await p.waitForFunction(() => window.webgan.grids >= 1, null, { timeout: 60_000 });
  assert.equal(await p.locator('#gen-weights').textContent(), 'weights/generator-conditional.safetensors');
  await p.close();
});
