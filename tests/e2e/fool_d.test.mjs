// "Can you fool D?" (fool_d.js) in headless Chromium, on the demo page and in the tutorial's
// chapter 3: strokes drawn with the mouse are judged, and judged again as more are drawn; the
// verdict comes from the session's D or the shipped one, as chosen; the buttons load a real
// and a generated digit from the keyboard and clear the canvas; the worker's `discriminate`
// request answers bad input with an Error and stays usable; axe finds nothing serious; the
// Chinese tutorial shows zh.js's words. Screenshots at 1280 and 360 px go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, axeViolations, OUTPUT } from './harness.mjs';
import en from '../../www/i18n/en.js';
import zh from '../../www/i18n/zh.js';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

// Strokes in fractions of the canvas: a "1", then two loops on it that make an "8".
const ONE = [[[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]];
const loop = (cy) => Array.from({ length: 17 }, (_, i) => [0.5 + 0.16 * Math.sin((i / 16) * 2 * Math.PI), cy - 0.17 * Math.cos((i / 16) * 2 * Math.PI)]);
const EIGHT = [loop(0.32), loop(0.68)];

/** Draws `strokes` on `canvas` with the mouse: down, through each point, up. */
async function draw(p, canvas, strokes) {
  await p.locator(canvas).scrollIntoViewIfNeeded();
  const box = await p.locator(canvas).boundingBox();
  for (const stroke of strokes) {
    const [[x0, y0], ...rest] = stroke;
    await p.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await p.mouse.down();
    for (const [x, y] of rest) await p.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 4 });
    await p.mouse.up();
  }
}

/**
 * The widget in `scope` (a CSS selector) through its state getter `read` (a page function
 * returning the FoolD state): every behaviour the brief asks for, in order.
 */
async function exercise(p, scope, read) {
  const state = () => p.evaluate(read);
  const until = (test, arg) => p.waitForFunction(`(${test})((${read})(), ${JSON.stringify(arg)})`, null, { timeout: 60_000 });
  // Waits for `test` on a state with no request out: the verdict of the last stroke, not of one before it.
  const settled = (test, arg) => until(`(s, a) => !s.pending && (${test})(s, a)`, arg);
  const text = (selector) => p.locator(`${scope} ${selector}`).textContent();
  const pad = `${scope} canvas.fool-d-pad`;
  assert.equal(await p.locator(pad).getAttribute('role'), 'img');
  assert.match(await p.locator(pad).getAttribute('aria-label'), /Nothing drawn yet/);
  assert.equal(await text('.fool-d-verdict'), en.foolD.empty);
  assert.equal(await p.locator(`${scope} [role="status"] .fool-d-verdict`).count(), 1);
  assert.equal(await p.locator(pad).evaluate((c) => getComputedStyle(c).touchAction), 'none');

  // A "1", then the same with two loops: judged after each stroke, and the verdict changes.
  await draw(p, pad, ONE);
  await settled((s) => s.source === 'drawn');
  const one = await state();
  assert.equal(one.d, 'session');
  assert.ok(one.score > 0 && one.score < 1, JSON.stringify(one));
  assert.ok(one.digit >= 0 && one.digit <= 9 && one.agree >= 1 && one.agree <= one.of && one.of === 9, JSON.stringify(one));
  assert.equal(await text('.fool-d-verdict'), en.foolD.verdict(en.foolD.sessionWho, one.score >= 0.5 ? 'real' : 'generated', one.score.toFixed(3)));
  assert.equal(await text('.fool-d-reading'), en.foolD.reads(en.datasets.mnist.classifier, String(one.digit), one.agree, one.of));
  assert.ok((await p.locator(pad).getAttribute('aria-label')).includes(await text('.fool-d-verdict')));
  await draw(p, pad, EIGHT);
  await settled((s, before) => s.judged > before, one.judged);
  const eight = await state();
  assert.notEqual(eight.score, one.score);
  assert.match(await text('.fool-d-verdict'), /^The D you are training says: (real|generated) \(0\.\d{3}\)$/);

  // The shipped D judges the same digit.
  await p.locator(`${scope} input[value="shipped"]`).check();
  await settled((s) => s.d === 'shipped');
  await p.waitForFunction((sel) => document.querySelector(sel).textContent.startsWith('The shipped D says:'), `${scope} .fool-d-verdict`);
  const shipped = await state();
  assert.notEqual(shipped.score, eight.score);
  assert.equal(shipped.source, 'drawn');

  // From the keyboard: a real digit, a generated one, then Clear.
  const button = (name) => p.locator(`${scope} button`, { hasText: name });
  await button(en.foolD.loadReal).focus();
  await p.keyboard.press('Enter');
  await settled((s) => s.source === 'real');
  const real = await state();
  assert.match(await text('.fool-d-verdict'), /^The shipped D says: (real|generated) \(0\.\d{3}\)$/);
  assert.notEqual(real.score, shipped.score);
  await button(en.foolD.loadGenerated).focus();
  await p.keyboard.press('Enter');
  await settled((s) => s.source === 'generated');
  assert.match(await text('.fool-d-reading'), /^The digit classifier reads: \d \(the same in \d of 9 copies/);
  // Back to the session's D, on the generated digit.
  await p.locator(`${scope} input[value="session"]`).check();
  await p.waitForFunction((sel) => document.querySelector(sel).textContent.startsWith('The D you are training says:'), `${scope} .fool-d-verdict`);
  assert.equal((await state()).source, 'generated');
  await button(en.foolD.clear).focus();
  await p.keyboard.press('Enter');
  await until((s) => s.score === null && s.source === null);
  assert.equal(await text('.fool-d-verdict'), en.foolD.empty);
  assert.equal(await p.locator(`${scope} .fool-d-reading`).isHidden(), true);
  assert.match(await p.locator(pad).getAttribute('aria-label'), /Nothing drawn yet/);
  return { one, eight, shipped, real };
}

/** Screenshots of `selector` at 1280 and 360 px wide. */
async function screenshots(p, selector, name) {
  for (const width of [1280, 360]) {
    await p.setViewportSize({ width, height: 900 });
    await p.locator(selector).scrollIntoViewIfNeeded();
    await p.locator(selector).screenshot({ path: join(OUTPUT, `fool-d-${name}-${width}.png`) });
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
  }
  await p.setViewportSize({ width: 1280, height: 900 });
}

test('the demo page: draw, judge, switch D, load digits from the keyboard, clear', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?autoplay=0&backend=cpu`);
  await p.setViewportSize({ width: 1280, height: 900 });
  await p.waitForFunction(() => window.webgan.backend, null, { timeout: 120_000 });
  await p.locator('#train-fool-d summary').click();
  assert.equal(await p.locator('#train-fool-d summary').textContent(), en.foolD.title);
  // Trained a few steps, so that G draws more than noise and D has an opinion.
  await p.click('#step-once');
  await p.waitForFunction(() => window.webgan.step >= 1, null, { timeout: 60_000 });
  await exercise(p, '#train-fool-d', () => window.webgan.foolD);
  // Drawn again, for the screenshots.
  await draw(p, '#train-fool-d canvas.fool-d-pad', EIGHT);
  await p.waitForFunction(() => window.webgan.foolD.source === 'drawn', null, { timeout: 60_000 });
  await screenshots(p, '#train-fool-d', 'page');
  assert.deepEqual(await axeViolations(p), []);
  assert.deepEqual(errors, []);
});

test('training on Fashion-MNIST, the clothes classifier reads what D judges; the shipped D\'s digits, the digit classifier', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?autoplay=0&backend=cpu&data=fashion`);
  await p.waitForFunction(() => window.webgan.backend, null, { timeout: 120_000 });
  await p.click('#step-once');
  await p.waitForFunction(() => window.webgan.step >= 1, null, { timeout: 60_000 });
  await p.locator('#train-fool-d summary').click();
  const state = () => p.evaluate(() => window.webgan.foolD);
  const reading = () => p.locator('#train-fool-d .fool-d-reading').textContent();
  await p.locator('#train-fool-d').getByRole('button', { name: en.foolD.loadReal }).click();
  await p.waitForFunction(() => window.webgan.foolD.source === 'real' && !window.webgan.foolD.pending, null, { timeout: 60_000 });
  const clothes = await state();
  assert.equal(await reading(), en.foolD.reads(en.datasets.fashion.classifier, en.datasets.fashion.classes[clothes.digit], clothes.agree, clothes.of));
  await p.locator('#train-fool-d input[value="shipped"]').check();
  await p.waitForFunction(() => window.webgan.foolD.d === 'shipped' && !window.webgan.foolD.pending, null, { timeout: 60_000 });
  assert.match(await reading(), /^The digit classifier reads: \d \(/);
  assert.deepEqual(errors, []);
  await p.close();
});

test('the tutorial, chapter 3: the loop\'s D judges, and judges again after a D step', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/tutorial.html`);
  await p.setViewportSize({ width: 1280, height: 900 });
  await p.waitForFunction(() => window.tutorial.loop.length >= 1, null, { timeout: 120_000 });
  assert.equal(await p.locator('#fool-d-title').textContent(), en.foolD.title);
  assert.ok((await p.locator('#fool-d > p').textContent()).startsWith('Draw a digit and see whether D'));
  const read = () => window.tutorial.foolD;
  await draw(p, '#fool-d canvas.fool-d-pad', ONE);
  await p.waitForFunction(() => window.tutorial.foolD.judged >= 1 && !window.tutorial.foolD.pending, null, { timeout: 60_000 });
  const before = await p.evaluate(read);
  // A D step retrains the D that judges: the same digit is judged again, differently.
  await p.click('#loop-d');
  await p.waitForFunction((n) => window.tutorial.foolD.judged > n && !window.tutorial.foolD.pending, before.judged, { timeout: 60_000 });
  const after = await p.evaluate(read);
  assert.equal(after.source, 'drawn');
  assert.notEqual(after.score, before.score);
  await p.locator('#fool-d button', { hasText: en.foolD.clear }).click();
  await exercise(p, '#fool-d', read);
  await draw(p, '#fool-d canvas.fool-d-pad', EIGHT);
  await p.waitForFunction(() => window.tutorial.foolD.source === 'drawn', null, { timeout: 60_000 });
  await screenshots(p, '#fool-d', 'tutorial');
  assert.deepEqual(await axeViolations(p), []);
  assert.deepEqual(errors, []);
  assert.deepEqual((await p.evaluate(() => window.tutorial.errors)), []);
});

test('discriminate: bad requests are Errors, and the worker goes on answering', { timeout: 120_000 }, async () => {
  const { page: p } = await open(browser, `${server.url}/www/tutorial.html`);
  const replies = await p.evaluate(async () => {
    const { openSession } = await import('./session.js');
    const queue = [];
    let wake = () => {};
    const session = openSession((m) => { queue.push(m); wake(); });
    const ask = async (message) => {
      session.send(message);
      while (!queue.length) await new Promise((resolve) => { wake = resolve; });
      const m = queue.shift();
      return { type: m.type, message: m.message, about: m.about, reason: m.reason, scores: m.scores, readings: m.readings };
    };
    const one = new Uint8Array(784);
    for (let y = 6; y < 22; y++) one[y * 28 + 14] = 255;
    return [
      await ask({ type: 'discriminate', d: 'mine', images: one }),
      await ask({ type: 'discriminate', d: 'shipped', images: new Uint8Array(5) }),
      await ask({ type: 'discriminate', d: 'shipped', images: [1, 2, 3] }),
      await ask({ type: 'discriminate', d: 'shipped', pick: 'fake' }),
      await ask({ type: 'discriminate', d: 'shipped', images: one, pick: 'real' }),
      await ask({ type: 'discriminate', d: 'session', images: one }),
      await ask({ type: 'discriminate', d: 'shipped', pick: 'real' }),
      await ask({ type: 'discriminate', d: 'shipped', images: new Uint8Array([...one, ...one]) }),
    ];
  });
  const errors = replies.slice(0, 5);
  for (const reply of errors) assert.equal(reply.type, 'error', JSON.stringify(reply));
  assert.match(errors[0].message, /d must be 'session' or 'shipped', got "mine"/);
  assert.match(errors[1].message, /holds 5 bytes, not a whole number \(1 or more\) of 784-pixel digits/);
  assert.match(errors[2].message, /images must be a Uint8Array/);
  assert.match(errors[3].message, /pick: 'real' or 'generated', got pick "fake"/);
  assert.match(errors[4].message, /images or pick, not both/);
  assert.deepEqual(replies[5], { type: 'discrimination', reason: 'no trainer yet', scores: null, readings: null, message: undefined, about: undefined });
  assert.equal(replies[6].reason, 'waiting for data');
  const [, , , , , , , ok] = replies;
  assert.equal(ok.type, 'discrimination');
  assert.equal(ok.scores.length, 2);
  assert.equal(ok.scores[0], ok.scores[1]);
  assert.ok(ok.scores[0] > 0 && ok.scores[0] < 1);
  assert.equal(ok.readings[0].digit, 1, JSON.stringify(ok.readings));
});

test('the Chinese tutorial shows the widget in zh.js\'s words', { timeout: 120_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/tutorial.html?lang=zh`);
  await p.waitForFunction(() => window.tutorial.foolD, null, { timeout: 60_000 });
  assert.equal(await p.locator('#fool-d-title').textContent(), zh.foolD.title);
  assert.equal(await p.locator('#fool-d > p').innerHTML(), zh.foolD.intro);
  const buttons = await p.locator('#fool-d button').allTextContents();
  assert.deepEqual(buttons, [zh.foolD.loadReal, zh.foolD.loadGenerated, zh.foolD.clear]);
  assert.equal(await p.locator('#fool-d legend').textContent(), zh.foolD.whichD);
  assert.equal(await p.locator('#fool-d .fool-d-verdict').textContent(), zh.foolD.empty);
  assert.equal(await p.locator('#fool-d canvas.fool-d-pad').getAttribute('aria-label'), zh.foolD.canvas(zh.foolD.canvasEmpty));
  await p.waitForFunction(() => window.tutorial.loop.length >= 1, null, { timeout: 120_000 });
  await draw(p, '#fool-d canvas.fool-d-pad', ONE);
  await p.waitForFunction(() => window.tutorial.foolD.judged >= 1, null, { timeout: 60_000 });
  assert.match(await p.locator('#fool-d .fool-d-verdict').textContent(), /^你正在训练的判别器 D 判定：(真实|生成)（0\.\d{3}）$/);
  assert.deepEqual(errors, []);
});
