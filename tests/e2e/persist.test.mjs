// <webgan-demo persist>: the element saves its run in this browser's storage and, after a
// reload, offers to resume it; an element without the attribute does neither.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, OUTPUT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const seen = (p) => p.evaluate(() => structuredClone(window.seen));
const shadow = (p, id, selector) => p.evaluate(({ id, selector }) =>
  document.getElementById(id).shadowRoot.querySelector(selector)?.textContent ?? null, { id, selector });

test('a persisting element resumes its run after a reload, and saves it when removed', { timeout: 180_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/tests/e2e/persist-demo.html`);
  await p.waitForFunction(() => window.seen.steps >= 100, null, { timeout: 60_000 });
  assert.equal(await shadow(p, 'kept', '.prompt'), null, 'nothing to resume in a fresh browser');
  // The tab hidden: the element saves.
  await p.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    delete document.visibilityState;
  });
  await p.waitForFunction(() => window.seen.checkpoints.length === 1, null, { timeout: 30_000 });
  const [{ step: saved }] = (await seen(p)).checkpoints;
  assert.ok(saved >= 100, `saved at step ${saved}`);

  await p.reload();
  await p.waitForFunction(() => document.getElementById('kept').shadowRoot.querySelector('.prompt'), null, { timeout: 30_000 });
  assert.equal(await shadow(p, 'kept', '.status'), `Resume training from step ${saved.toLocaleString('en')}, saved just now?`);
  assert.equal(await p.evaluate(() => document.getElementById('kept').shadowRoot.querySelector('.prompt').getAttribute('aria-labelledby')), 'status');
  assert.equal(await shadow(p, 'plain', '.prompt'), null, 'an element without persist offers nothing');
  assert.equal((await seen(p)).ready.length, 0, 'no trainer before the answer');
  await p.screenshot({ path: join(OUTPUT, 'persist-demo-prompt.png'), fullPage: true });
  await p.locator('#kept').getByRole('button', { name: 'Resume' }).click();
  await p.waitForFunction((n) => window.seen.ready.length === 1 && window.seen.steps > n, saved, { timeout: 60_000 });
  const { ready, steps } = await seen(p);
  assert.equal(ready[0].step, saved);
  assert.equal(ready[0].backend, 'cpu');
  console.log(`persist: saved at ${saved}, resumed and trained on to ${steps}`);
  assert.equal(await shadow(p, 'kept', '.prompt'), null);

  // Removing the element saves its run before the worker lets go of it.
  await p.waitForFunction((n) => window.seen.steps >= n + 50, saved, { timeout: 60_000 });
  await p.evaluate(() => document.getElementById('kept').remove());
  await p.waitForFunction(() => window.seen.checkpoints.length === 1, null, { timeout: 30_000 });
  const { checkpoints } = await seen(p);
  assert.ok(checkpoints[0].step >= saved + 50, JSON.stringify(checkpoints));
  assert.deepEqual((await seen(p)).errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});
