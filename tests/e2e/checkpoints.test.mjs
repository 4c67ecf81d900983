// Training survives a reload (issue 14): the demo page on the CPU backend saves its run in
// IndexedDB and offers to resume it, exactly (the losses after resuming equal an
// uninterrupted run's); a full quota shows a note while training goes on; a downloaded
// checkpoint opens again at its step and a bad file is refused; the generator is handed over to
// generate mode. Screenshots of the resume prompt and of the storage note go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, axeViolations, OUTPUT, ROOT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

// Five steps a request, so that every run reports its losses at the same steps.
const TRAIN = '/www/index.html?backend=cpu&autoplay=0&steps=5';
const WIDE = { viewport: { width: 1280, height: 900 } };
const state = (p) => p.evaluate(() => ({ ...window.webgan }));
const shot = (p, name, fullPage = true) => p.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage });
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Waits for the trainer and the whole dataset: the batch order is fixed from then on. */
async function ready(p) {
  await p.waitForFunction(() => window.webgan.backend === 'cpu', null, { timeout: 60_000 });
  await p.waitForFunction(() => document.getElementById('data-status').textContent === '10,000 images', null, { timeout: 60_000 });
}

/** Trains until the step reaches `n`, then pauses and waits for the request in flight; the step. */
async function trainTo(p, n) {
  await p.click('#start');
  await p.waitForFunction((n) => window.webgan.step >= n, n, { timeout: 120_000 });
  await p.click('#pause');
  await p.waitForTimeout(400);
  return (await state(p)).step;
}

/** The page as a tab that is hidden (another tab chosen): what a reader switching away does. */
async function hideAndShow(p) {
  await p.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    delete document.visibilityState; // visible again: the prototype's getter answers
  });
}

test('a reloaded page resumes the saved run exactly: step, charts, data order and losses', { timeout: 300_000 }, async () => {
  const started = performance.now();
  // The reference: one run that never stops.
  const { page: reference, errors: referenceErrors } = await open(browser, `${server.url}${TRAIN}`, WIDE);
  await ready(reference);
  assert.equal(await reference.locator('#resume').isHidden(), true, 'a fresh browser has nothing to resume');
  await trainTo(reference, 450);
  const expected = (await state(reference)).history;
  assert.deepEqual(referenceErrors, []);
  await reference.close();

  // The same run, saved at ~300 steps, reloaded and resumed.
  const { page: p, errors } = await open(browser, `${server.url}${TRAIN}`, WIDE);
  await ready(p);
  const saved = await trainTo(p, 300);
  const before = await state(p);
  const chartsBefore = await p.evaluate(() => window.webgan.charts);
  assert.equal(saved % 5, 0);
  assert.equal(chartsBefore.step.at(-1), saved);
  // Fresh runs of the same seed are the same run: the comparison below means something.
  assert.deepEqual(before.history, expected.filter((s) => s.step <= saved));
  await hideAndShow(p);
  await p.waitForFunction((n) => window.webgan.savedStep === n, saved, { timeout: 30_000 });

  await p.reload();
  await p.locator('#resume').waitFor({ state: 'visible' });
  const prompt = await p.locator('#resume-text').textContent();
  assert.equal(prompt, `Resume training from step ${saved.toLocaleString('en')}, saved just now?`);
  assert.equal(await p.evaluate(() => document.activeElement.id), 'resume-yes', 'the focus is on Resume');
  assert.equal(await p.getByRole('button', { name: 'Start fresh' }).isVisible(), true);
  await shot(p, 'checkpoint-resume-prompt-1280');
  assert.deepEqual(await axeViolations(p), [], 'axe-core with the resume prompt open');
  await p.setViewportSize({ width: 360, height: 800 });
  await p.waitForTimeout(500); // the charts follow their box's new width
  const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px at 360 px`);
  await shot(p, 'checkpoint-resume-prompt-360', false); // the top of the page, where the prompt is
  await p.setViewportSize(WIDE.viewport);

  await p.click('#resume-yes');
  await p.waitForFunction((n) => window.webgan.resumedFrom === n && window.webgan.grids >= 1, saved, { timeout: 60_000 });
  assert.equal(await p.locator('#resume').isHidden(), true);
  assert.equal(await p.locator('#step-count').textContent(), saved.toLocaleString('en'));
  assert.equal(await p.locator('#checkpoint-status').textContent(), `Resumed from step ${saved.toLocaleString('en')}.`);
  assert.deepEqual(await p.evaluate(() => window.webgan.charts), chartsBefore, 'the charts keep the earlier points');
  assert.equal((await state(p)).step, saved);

  await ready(p);
  const resumedAt = performance.now();
  const last = await trainTo(p, saved + 100);
  const after = await state(p);
  const charts = await p.evaluate(() => window.webgan.charts);
  assert.deepEqual(charts.step.slice(0, chartsBefore.step.length), chartsBefore.step);
  assert.equal(charts.step.at(-1), last);
  assert.equal(after.history[0].step, saved + 5, 'the step counter continues');
  const compared = after.history.filter((s) => s.step <= expected.at(-1).step);
  assert.ok(compared.length >= 20, `only ${compared.length} steps to compare`);
  assert.deepEqual(compared, expected.filter((s) => s.step > saved && s.step <= compared.at(-1).step),
    'the resumed run\'s losses differ from the uninterrupted run\'s');
  console.log(`resume: saved at step ${saved}, resumed, ${compared.length} reports (steps ${compared[0].step}–${compared.at(-1).step}) equal the uninterrupted run's; ` +
    `${last - saved} steps after resuming in ${seconds(resumedAt)}; whole test ${seconds(started)}`);
  assert.deepEqual(errors, []);
  await p.close();
});

test('a full storage quota shows a note, and training goes on', { timeout: 180_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?backend=cpu&steps=5`, WIDE);
  await p.waitForFunction(() => window.webgan.step >= 50, null, { timeout: 60_000 });
  // Chromium's own quota for this origin, set to 1 kB: IndexedDB answers with a real QuotaExceededError.
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 1024 });
  await hideAndShow(p);
  await p.locator('#storage-note').waitFor({ state: 'visible', timeout: 30_000 });
  const note = await p.locator('#storage-note-text').textContent();
  assert.equal(note, 'Could not save to this browser\'s storage (quota full): training goes on; use Download checkpoint to keep it.');
  assert.equal(await p.locator('#checkpoint-status').textContent(), note, 'said to assistive technology too');
  assert.equal((await state(p)).savedStep, null);
  assert.equal(await p.locator('#error').isHidden(), true, 'a note, not an error');
  const { step } = await state(p);
  await p.waitForFunction((n) => window.webgan.step >= n + 50 && window.webgan.playing, step, { timeout: 60_000 });
  await shot(p, 'checkpoint-storage-note-1280');
  assert.deepEqual(await axeViolations(p), [], 'axe-core with the storage note shown');
  await p.setViewportSize({ width: 360, height: 800 });
  await p.waitForTimeout(500); // the charts follow their box's new width
  const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px at 360 px`);
  await shot(p, 'checkpoint-storage-note-360', false);

  // Room again: the next save works, and the note goes.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
  await hideAndShow(p);
  await p.waitForFunction(() => window.webgan.savedStep > 0, null, { timeout: 30_000 });
  assert.equal(await p.locator('#storage-note').isHidden(), true);
  assert.deepEqual(errors, []);
  await p.close();
});

test('Download checkpoint, then Open checkpoint… continues at the saved step; bad files leave the run', { timeout: 180_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}${TRAIN}`, { ...WIDE, acceptDownloads: true });
  await ready(p);
  const saved = await trainTo(p, 100);
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-checkpoint')]);
  assert.equal(download.suggestedFilename(), `webgan-mlp-step-${saved}.safetensors`);
  const path = join(OUTPUT, download.suggestedFilename());
  await download.saveAs(path);
  const later = await trainTo(p, saved + 50);

  const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.click('#open-checkpoint')]);
  await chooser.setFiles(path);
  await p.waitForFunction((n) => window.webgan.resumedFrom === n, saved, { timeout: 60_000 });
  assert.equal((await state(p)).step, saved);
  assert.equal(await p.locator('#step-count').textContent(), saved.toLocaleString('en'));
  assert.equal(await p.locator('#checkpoint-status').textContent(),
    `Opened ${download.suggestedFilename()}: training continues from step ${saved}.`);
  const charts = await p.evaluate(() => window.webgan.charts);
  assert.equal(charts.step.at(-1), saved, 'the charts are the checkpoint\'s');
  await trainTo(p, saved + 10);
  assert.equal((await state(p)).history[0].step, saved + 5);
  console.log(`download → open: saved at ${saved}, trained on to ${later}, opened at ${saved}`);

  // A generator alone is not a checkpoint: a clear error, and the run goes on from where it was.
  const before = (await state(p)).step;
  const [again] = await Promise.all([p.waitForEvent('filechooser'), p.click('#open-checkpoint')]);
  await again.setFiles(join(ROOT, 'www/weights/generator-mlp.safetensors'));
  await p.locator('#error').waitFor({ state: 'visible' });
  const message = await p.locator('#error-text').textContent();
  console.log(`a generator opened as a checkpoint: ${message}`);
  assert.match(message, /^Could not open generator-mlp\.safetensors: .+\. The current run goes on\.$/);
  assert.equal((await state(p)).resumedFrom, saved);
  await p.click('#error-close');
  await trainTo(p, before + 20);

  // Dropped on the train view: junk is refused, the checkpoint continues at its step.
  const drop = (url, name) => p.evaluate(async ({ url, name }) => {
    const bytes = url ? await (await fetch(url)).arrayBuffer() : new Uint8Array([1, 2, 3, 4]);
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    const view = document.getElementById('train-view');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      view.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, { url, name });
  await drop(null, 'junk.safetensors');
  await p.waitForFunction(() => /^Could not open junk\.safetensors: /.test(document.getElementById('error-text').textContent));
  console.log(`junk dropped: ${await p.locator('#error-text').textContent()}`);
  await trainTo(p, (await state(p)).step + 10);
  await p.route('**/dropped.safetensors', (route) => route.fulfill({ path }));
  await drop('/dropped.safetensors', 'dropped.safetensors');
  await p.waitForFunction((n) => window.webgan.step === n && window.webgan.resumedFrom === n, saved, { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await p.close();
});

test('"Use this generator in Generate mode" opens generate mode on the trained generator', { timeout: 180_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}${TRAIN}`, WIDE);
  await ready(p);
  const step = await trainTo(p, 100);
  const expected = await p.evaluate(() => window.webgan.draw(16, 5));
  await p.click('#use-generator');
  await p.waitForURL(/\?mode=generate&weights=handover&backend=cpu$/, { timeout: 30_000 });
  await p.waitForFunction(() => window.webgan.mode === 'generate' && window.webgan.grids >= 1, null, { timeout: 60_000 });
  assert.equal(await p.locator('#gen-weights').textContent(), `Your trained generator (step ${step.toLocaleString('en')})`);
  assert.equal(await p.locator('#gen-choice').inputValue(), 'handover');
  const explorer = await p.evaluate(() => window.webgan.explorer);
  assert.equal(explorer.latentDim, 100);
  assert.equal(explorer.conditional, false);
  // The same noise draws the same digits as the trainer did.
  assert.deepEqual(await p.evaluate(() => window.webgan.draw(16, 5)), expected);
  await shot(p, 'checkpoint-handover-generate');

  // The run was saved on the way: the train view offers it back.
  await p.click('#link-train');
  await p.locator('#resume').waitFor({ state: 'visible' });
  assert.match(await p.locator('#resume-text').textContent(), new RegExp(`^Resume training from step ${step.toLocaleString('en')}, saved `));
  assert.deepEqual(errors, []);
  await p.close();
});

test('two tabs of the page never overwrite each other\'s run: the first saves, the second takes over when it closes', { timeout: 300_000 }, async () => {
  const context = await browser.newContext(WIDE);
  const tab = async () => {
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (error) => errors.push(String(error)));
    await p.goto(`${server.url}${TRAIN}`);
    return { p, errors };
  };
  const stored = (p) => p.evaluate(async () => {
    const { CheckpointStore } = await import('./checkpoint_store.js');
    const result = await new CheckpointStore().load('page:train');
    return result.ok ? result.record?.step ?? null : `not ok: ${result.problem.kind}`;
  });
  const first = await tab();
  await ready(first.p);
  const firstStep = await trainTo(first.p, 100);
  await hideAndShow(first.p);
  await first.p.waitForFunction((n) => window.webgan.savedStep === n, firstStep, { timeout: 30_000 });

  // The second tab finds the first tab's run, starts its own, and may not save over it.
  const second = await tab();
  await second.p.waitForFunction(() => window.webgan.resumePrompt !== null, null, { timeout: 30_000 });
  await second.p.click('#resume-no');
  await ready(second.p);
  const secondStep = await trainTo(second.p, 160);
  assert.notEqual(secondStep, firstStep);
  await hideAndShow(second.p);
  await second.p.waitForFunction(() => window.webgan.storageNote !== null, null, { timeout: 30_000 });
  assert.match((await state(second.p)).storageNote, /^Another tab of this page is saving its own run in this browser, so this run is not saved here/);
  assert.equal((await state(second.p)).savedStep, null);
  assert.equal(await stored(second.p), firstStep, "storage still holds the first tab's run");
  await shot(second.p, 'two-tabs-second');

  // The first tab closes: the second holds the lock now, and its next save lands.
  await first.p.close();
  await second.p.waitForTimeout(500);
  await hideAndShow(second.p);
  await second.p.waitForFunction((n) => window.webgan.savedStep === n, secondStep, { timeout: 30_000 });
  assert.equal(await stored(second.p), secondStep);
  assert.deepEqual([...first.errors, ...second.errors], []);
  await context.close();
});
