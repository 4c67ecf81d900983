// The latent explorer (www/explorer.js) in headless Chromium, on the real wasm and the shipped
// generators: picking, the spherical path and its animation, the sliders, keyboard-only use,
// saving, accessibility (axe-core) and the layout at 1280 and 360 px; with the conditional
// generator, the digits asked for (the grid's columns, a digit button, one handwriting in
// every digit, a written number) and <webgan-demo mode="explore">. Screenshots go to
// tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES, CONDITIONAL_GENERATOR_URL, GENERATOR_URL, SIDE } from '../../www/protocol.js';
import { serve, launch, open, axeViolations, OUTPUT } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

/** Generate mode on the CPU with a fixed seed, on the given generator. */
const generatePage = (weights, extra = '') => `${server.url}/www/index.html?mode=generate&backend=cpu&seed=7&weights=${weights}${extra}`;
const shot = (p, name) => p.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
const explorerState = (p) => p.evaluate(() => JSON.parse(JSON.stringify(window.webgan.explorer)));
/** Waits for the first grid and what the classifier reads in it; fails at once on an error on the page. */
async function gridReady(p) {
  await p.waitForFunction(() => window.webgan.errors.length > 0 || (window.webgan.explorer?.grids >= 1 && window.webgan.explorer.gridRead), null, { timeout: 120_000 });
  assert.deepEqual(await p.evaluate(() => window.webgan.errors), [], 'errors on the page');
}

/** Waits until the element's explorer state passes `ready` (a string of JS over `state`); fails at once on an error event. */
async function elementReady(p, ready) {
  await p.waitForFunction((ready) => {
    const state = document.querySelector('#explorer').explorer?.state;
    return window.seen.errors.length > 0 || (state && new Function('state', `return ${ready}`)(state));
  }, ready, { timeout: 120_000 });
  assert.deepEqual(await p.evaluate(() => window.seen.errors), [], 'error events from the element');
}

/** A canvas's grey values cut into its SIDE × SIDE digits, row by row (shadow roots included). */
async function digitsOn(locator) {
  const { width, height, grey } = await locator.evaluate((canvas) => ({
    width: canvas.width,
    height: canvas.height,
    grey: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.filter((_, i) => i % 4 === 0)),
  }));
  const columns = width / SIDE;
  const digits = [];
  for (let row = 0; row < height / SIDE; row++) {
    for (let column = 0; column < columns; column++) {
      const digit = [];
      for (let y = 0; y < SIDE; y++) {
        const at = (row * SIDE + y) * width + column * SIDE;
        digit.push(...grey.slice(at, at + SIDE));
      }
      digits.push(digit);
    }
  }
  return digits;
}

const distance = (a, b) => Math.sqrt(a.reduce((sum, value, i) => sum + (value - b[i]) ** 2, 0));
const meanAbsolute = (a, b) => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]), 0) / a.length;
/** The share of `read` equal to what `expected(i)` says. */
const agreement = (read, expected) => read.filter((digit, i) => digit === expected(i)).length / read.length;

/** Sets a slider as a drag would, with an input event (and a change event when it comes to rest). */
const setSlider = (locator, value, rest = true) => locator.evaluate((slider, [value, rest]) => {
  slider.value = value;
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  if (rest) slider.dispatchEvent(new Event('change', { bubbles: true }));
}, [value, rest]);

test('two picks draw a smooth spherical path, and Animate morphs along it one request at a time', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, generatePage(GENERATOR_URL));
  await gridReady(p);
  const grid = await digitsOn(p.locator('#samples'));
  await p.click('#cells button >> nth=0');
  await p.click('#cells button >> nth=9');
  await p.waitForFunction(() => window.webgan.explorer.stripFrames === 10 && window.webgan.explorer.alts.strip, null, { timeout: 60_000 });
  const s = await explorerState(p);
  assert.deepEqual(s.picked, [0, 9]);
  assert.equal(s.stripRows, 1, 'an unconditional path is one row');
  assert.equal(await p.locator('#cells button[aria-pressed="true"]').count(), 2);

  const frames = await digitsOn(p.locator('#strip'));
  assert.equal(frames.length, 10);
  // The ends are the picked digits themselves.
  assert.ok(meanAbsolute(frames[0], grid[0]) < 2, `first frame differs from digit 1 by ${meanAbsolute(frames[0], grid[0])}`);
  assert.ok(meanAbsolute(frames[9], grid[9]) < 2, `last frame differs from digit 10 by ${meanAbsolute(frames[9], grid[9])}`);
  // Smooth: every step is small next to the distance between the ends.
  const ends = distance(frames[0], frames[9]);
  const steps = frames.slice(1).map((frame, i) => distance(frames[i], frame));
  console.log(`path: ends ${ends.toFixed(0)} apart; steps ${steps.map((d) => d.toFixed(0)).join(' ')}`);
  assert.ok(ends > 500, `the two picks look alike (${ends})`);
  assert.ok(Math.max(...steps) < 0.5 * ends, `a jump of ${Math.max(...steps).toFixed(0)} against ${ends.toFixed(0)}`);
  assert.match(s.alts.strip, /^Frames along the path: \d(, \d){9}$/);
  assert.equal(await p.locator('#strip').getAttribute('aria-label'), s.alts.strip);

  // Animate: frames arrive, the picture moves, and Pause stops them.
  const still = await digitsOn(p.locator('#morph'));
  await p.click('#animate');
  assert.equal(await p.getAttribute('#animate', 'aria-pressed'), 'true');
  await p.waitForFunction(() => window.webgan.explorer.animationFrames >= 10, null, { timeout: 60_000 });
  const moving = await digitsOn(p.locator('#morph'));
  assert.notDeepEqual(moving, still, 'the morph canvas did not change');
  await p.click('#animate');
  assert.equal(await p.getAttribute('#animate', 'aria-pressed'), 'false');
  await p.waitForTimeout(300);
  const stopped = (await explorerState(p)).animationFrames;
  await p.waitForTimeout(700);
  const after = await explorerState(p);
  assert.equal(after.animationFrames, stopped, 'frames kept coming after Pause');
  // Only the animation was asking: never two of its requests at once.
  assert.equal(after.maxInFlight, 1, `requests in flight at once: ${after.maxInFlight}`);
  assert.deepEqual(after.errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('a slider moves the picked digit, redraws coalesce, and the latest value is drawn', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, generatePage(GENERATOR_URL));
  await gridReady(p);
  await p.click('#cells button >> nth=5');
  await p.waitForFunction(() => window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
  const s = await explorerState(p);
  assert.equal(s.strengths.length, 8);
  assert.ok(s.strengths.every((x, i) => x > 0 && (i === 0 || x <= s.strengths[i - 1] * 1.001)), `strengths ${s.strengths}`);
  const [before] = await digitsOn(p.locator('#picked-digit'));

  await setSlider(p.locator('#slider-0'), '3');
  await p.waitForFunction(() => window.webgan.explorer.sliderRedraws >= 1);
  await p.waitForTimeout(300);
  const [moved] = await digitsOn(p.locator('#picked-digit'));
  console.log(`slider 1 at 3: the digit moved by ${distance(before, moved).toFixed(0)} (mean ${meanAbsolute(before, moved).toFixed(1)} per pixel)`);
  assert.ok(meanAbsolute(before, moved) > 3, 'the digit barely changed');
  assert.equal(await p.locator('#slider-0 + output').textContent(), '3.0');

  // Slow steps are each drawn.
  let redraws = (await explorerState(p)).sliderRedraws;
  for (let i = 1; i <= 10; i++) {
    await setSlider(p.locator('#slider-2'), (i / 10).toFixed(1), false);
    await p.waitForFunction((n) => window.webgan.explorer.sliderRedraws === n, redraws + i);
  }
  // A fast drag, 31 values in one task: the first is drawn, then only the last; never two requests at once.
  redraws = (await explorerState(p)).sliderRedraws;
  await p.locator('#slider-1').evaluate((slider) => {
    for (let i = 0; i <= 30; i++) {
      slider.value = (-1.5 + i / 10).toFixed(1);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await p.waitForTimeout(1000);
  const dragged = await explorerState(p);
  const [afterDrag] = await digitsOn(p.locator('#picked-digit'));
  console.log(`drag: 31 values, ${dragged.sliderRedraws - redraws} redraws; ${dragged.redrawsPerSecond} redraws/s`);
  assert.equal(dragged.sliderRedraws - redraws, 2, 'the drag was not coalesced into its first and last values');
  assert.equal(dragged.maxInFlight, 1, `requests in flight at once: ${dragged.maxInFlight}`);
  assert.ok(dragged.redrawsPerSecond > 0);
  assert.match(await p.locator('#redraw-rate').textContent(), /^\d+ redraws\/s$/);
  await setSlider(p.locator('#slider-1'), '1.5');
  await p.waitForFunction((n) => window.webgan.explorer.sliderRedraws > n, dragged.sliderRedraws);
  assert.deepEqual((await digitsOn(p.locator('#picked-digit')))[0], afterDrag, 'the drag did not end on its last value');

  // The text alternative follows once the sliders rest; Reset brings the digit back.
  await p.waitForFunction(() => /^The picked digit, read as \d$/.test(window.webgan.explorer.alts.picked ?? ''));
  await p.click('#reset-sliders');
  await p.waitForTimeout(500);
  assert.ok(meanAbsolute((await digitsOn(p.locator('#picked-digit')))[0], before) < 2, 'Reset did not bring the digit back');
  assert.deepEqual((await explorerState(p)).errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('keyboard only: Tab to a digit, arrows move, Enter picks, Tab to a slider, ArrowRight moves it', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, generatePage(GENERATOR_URL));
  await gridReady(p);
  const focused = () => p.evaluate(() => {
    const element = document.activeElement;
    return { tag: element.tagName, id: element.id, index: element.dataset.index ?? null, outline: getComputedStyle(element).outlineStyle };
  });
  let presses = 0;
  while ((await focused()).index === null) {
    assert.ok(++presses <= 30, 'Tab never reached the grid');
    await p.keyboard.press('Tab');
  }
  assert.equal((await focused()).index, '0', 'Tab reaches the first digit');
  assert.equal((await focused()).outline, 'solid', 'no visible focus ring');
  await p.keyboard.press('ArrowRight');
  await p.keyboard.press('ArrowDown');
  assert.equal((await focused()).index, '9');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => window.webgan.explorer.picked.join() === '9' && window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
  assert.match(await p.locator('#status').textContent(), /^Picked digit 10/);
  presses = 0;
  while ((await focused()).id !== 'slider-0') {
    assert.ok(++presses <= 5, `Tab did not reach the first slider; at ${JSON.stringify(await focused())}`);
    await p.keyboard.press('Tab');
  }
  const [before] = await digitsOn(p.locator('#picked-digit'));
  await p.keyboard.press('ArrowRight');
  assert.equal(await p.inputValue('#slider-0'), '0.1');
  for (let i = 0; i < 14; i++) await p.keyboard.press('ArrowRight');
  await p.waitForFunction(() => window.webgan.explorer.sliderRedraws >= 1);
  await p.waitForTimeout(500);
  assert.equal(await p.inputValue('#slider-0'), '1.5');
  assert.notDeepEqual((await digitsOn(p.locator('#picked-digit')))[0], before, 'the slider did not change the digit');

  // Back to the grid: the cell focused last is the one Tab returns to; Space picks a second.
  presses = 0;
  while ((await focused()).index === null) {
    assert.ok(++presses <= 5, 'Shift+Tab did not return to the grid');
    await p.keyboard.press('Shift+Tab');
  }
  assert.equal((await focused()).index, '9');
  await p.keyboard.press('End');
  await p.keyboard.press('Space');
  await p.waitForFunction(() => window.webgan.explorer.picked.join() === '9,63' && window.webgan.explorer.stripFrames === 10, null, { timeout: 60_000 });
  // On to Animate, and start it with Enter.
  presses = 0;
  while ((await focused()).id !== 'animate') {
    assert.ok(++presses <= 20, 'Tab did not reach Animate');
    await p.keyboard.press('Tab');
  }
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => window.webgan.explorer.animationFrames >= 3);
  await p.keyboard.press('Enter');
  assert.equal((await explorerState(p)).animating, false);
  assert.deepEqual(errors, []);
  await p.close();
});

test('saving: the grid as a PNG, and the morph recorded as WebM', { timeout: 300_000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const p = await context.newPage();
  await p.goto(generatePage(GENERATOR_URL));
  await gridReady(p);
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-grid')]);
  assert.equal(download.suggestedFilename(), 'webgan-digits.png');
  const png = await readFile(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');

  await p.click('#cells button >> nth=1');
  await p.click('#cells button >> nth=2');
  await p.waitForFunction(() => window.webgan.explorer.stripFrames === 10, null, { timeout: 60_000 });
  // Chromium has MediaRecorder and canvas capture: recording must work here.
  assert.equal((await explorerState(p)).recordSupported, true);
  await p.click('#record');
  assert.equal(await p.locator('#record').textContent(), 'Stop recording');
  await p.waitForFunction(() => window.webgan.explorer.recordings === 1, null, { timeout: 30_000 });
  const s = await explorerState(p);
  console.log(`recording: ${s.recordingBytes} bytes of WebM, ${s.animationFrames} frames drawn`);
  assert.ok(s.recordingBytes > 1000, `recording of ${s.recordingBytes} bytes`);
  assert.equal(s.animating, false, 'the animation stops with the recording it started');
  assert.match(await p.locator('#recording').textContent(), /^Download the recording \(WebM, \d+ kB\)$/);
  assert.match(await p.getAttribute('#recording', 'href'), /^blob:/);
  await context.close();
});

test('an unconditional generator: no digit buttons, and one line says why', { timeout: 120_000 }, async () => {
  const { page: p, errors } = await open(browser, generatePage(GENERATOR_URL));
  await gridReady(p);
  assert.equal(await p.locator('#no-labels').isVisible(), true);
  assert.match(await p.locator('#no-labels').textContent(), /this generator was not trained with labels/);
  assert.equal(await p.locator('#digits').isHidden(), true);
  assert.equal(await p.locator('#number').isHidden(), true);
  await p.click('#cells button >> nth=3');
  await p.waitForFunction(() => window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
  assert.equal(await p.locator('#style-figure').isHidden(), true);
  // The grid's text alternative says what the classifier reads; each digit's button too.
  assert.match(await p.locator('#samples').getAttribute('aria-label'), /^64 generated digits, read as \d+× \d/);
  assert.match(await p.locator('#cells button >> nth=3').getAttribute('aria-label'), /^Digit 4, reads as \d, pick 1$/);
  assert.deepEqual(errors, []);
  await p.close();
});

test('axe-core: no serious or critical violations on the explorer, with every panel open', { timeout: 300_000 }, async () => {
  for (const weights of [GENERATOR_URL, CONDITIONAL_GENERATOR_URL]) {
    const { page: p } = await open(browser, generatePage(weights));
    await gridReady(p);
    await p.click('#cells button >> nth=2');
    await p.click('#cells button >> nth=14');
    await p.waitForFunction(() => window.webgan.explorer.stripFrames === 10 && window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
    assert.deepEqual(await axeViolations(p), [], weights);
    await p.close();
  }
  const { page: p } = await open(browser, `${server.url}/tests/e2e/explore-demo.html`);
  await elementReady(p, 'state.gridRead');
  assert.deepEqual(await axeViolations(p), [], '<webgan-demo mode="explore">');
  await p.close();
});

test('the explorer at 1280 and 360 px: screenshots, and no sideways scrolling', { timeout: 300_000 }, async () => {
  for (const width of [1280, 360]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const p = await context.newPage();
    await p.goto(`${server.url}/www/index.html?mode=generate&backend=cpu&seed=7`);
    await gridReady(p);
    await p.click('#cells button >> nth=3');
    await p.click('#cells button >> nth=13');
    await p.waitForFunction(() => window.webgan.explorer.stripFrames === 10 && window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
    await setSlider(p.locator('#slider-0'), '2');
    await p.waitForFunction(() => window.webgan.explorer.sliderRedraws >= 1);
    await p.waitForTimeout(500);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the explorer scrolls sideways by ${overflow} px at ${width} px`);
    await shot(p, `explorer-${width}`);
    // The element, too.
    await p.goto(`${server.url}/tests/e2e/explore-demo.html`);
    await elementReady(p, 'state.number?.read');
    const elementOverflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(elementOverflow <= 0, `<webgan-demo mode="explore"> scrolls sideways by ${elementOverflow} px at ${width} px`);
    await context.close();
  }
});

// The conditional generator: the digit asked for is the digit drawn.

test('conditional: the grid\'s columns, a digit button, one handwriting in every digit and "2026" read as asked', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, generatePage(CONDITIONAL_GENERATOR_URL));
  await gridReady(p);
  let s = await explorerState(p);
  assert.equal(s.conditional, true);
  assert.equal(s.columns, CLASSES);
  const columns = agreement(s.gridRead, (i) => i % CLASSES);
  console.log(`conditional grid: ${(100 * columns).toFixed(0)}% of digits read as their column's`);
  assert.ok(columns >= 0.9, `only ${(100 * columns).toFixed(0)}% read as their column's digit`);
  assert.equal(await p.locator('#no-labels').isHidden(), true);

  await p.click('#digits button[data-digit="3"]');
  await p.waitForFunction(() => window.webgan.explorer.gridDigit === 3 && window.webgan.explorer.gridRead, null, { timeout: 60_000 });
  s = await explorerState(p);
  assert.equal(s.gridRead.length, 64);
  const threes = agreement(s.gridRead, () => 3);
  console.log(`digit button 3: ${(100 * threes).toFixed(0)}% read as 3`);
  assert.ok(threes >= 0.9, `only ${(100 * threes).toFixed(0)}% read as 3`);
  assert.equal(await p.getAttribute('#digits button[data-digit="3"]', 'aria-pressed'), 'true');

  // "Write a number" starts with 2026, in one handwriting.
  await p.waitForFunction(() => window.webgan.explorer.number?.read, null, { timeout: 60_000 });
  s = await explorerState(p);
  assert.deepEqual(s.number, { text: '2026', read: [2, 0, 2, 6] });
  assert.equal(await p.locator('#number-canvas').getAttribute('aria-label'), 'The number 2026 in one handwriting. Digits read as 2, 0, 2, 6');
  await p.fill('#number-text', '31415');
  await p.waitForFunction(() => window.webgan.explorer.number?.text === '31415' && window.webgan.explorer.number.read);
  assert.ok(agreement((await explorerState(p)).number.read, (i) => [3, 1, 4, 1, 5][i]) >= 0.8);
  // Bad input: a clear message, the field marked, nothing thrown.
  await p.fill('#number-text', '20x6');
  await p.waitForFunction(() => document.getElementById('number-error').textContent.length > 0);
  assert.equal(await p.locator('#number-error').textContent(), 'Only the digits 0–9, up to 12 of them.');
  assert.equal(await p.getAttribute('#number-text', 'aria-invalid'), 'true');
  await p.fill('#number-text', '2026');
  await p.waitForFunction(() => document.getElementById('number-error').textContent === '');

  // One handwriting in every digit: the picked z asked for as 0–9.
  await p.click('#cells button >> nth=7');
  await p.waitForFunction(() => window.webgan.explorer.styleRead, null, { timeout: 60_000 });
  const style = agreement((await explorerState(p)).styleRead, (i) => i);
  console.log(`same style: ${(100 * style).toFixed(0)}% of 0–9 read as asked`);
  assert.ok(style >= 0.8, `the handwriting row reads as ${(await explorerState(p)).styleRead}`);
  // A path between a 3 and a 7 is drawn once per end's label; a new grid clears the picks.
  await p.click('#new-samples');
  await p.waitForFunction(() => window.webgan.explorer.grids === 3 && window.webgan.explorer.gridDigit === null && window.webgan.explorer.picked.length === 0);
  await p.click('#cells button >> nth=3');
  await p.click('#cells button >> nth=17');
  await p.waitForFunction(() => window.webgan.explorer.stripRows === 2 && window.webgan.explorer.stripRead, null, { timeout: 60_000 });
  const path = (await explorerState(p)).stripRead;
  assert.ok(agreement(path.slice(0, 10), () => 3) >= 0.8 && agreement(path.slice(10), () => 7) >= 0.8, `path rows read as ${path}`);
  assert.deepEqual((await explorerState(p)).errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('<webgan-demo mode="explore">: digit and text attributes, and pick events', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/tests/e2e/explore-demo.html`);
  const state = () => p.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('#explorer').explorer.state)));
  await elementReady(p, 'state.gridRead && state.number?.read');
  let s = await state();
  assert.equal(s.gridDigit, 5);
  assert.ok(agreement(s.gridRead, () => 5) >= 0.9, `digit="5" drew ${s.gridRead}`);
  assert.deepEqual(s.number, { text: '2026', read: [2, 0, 2, 6] });
  const demo = p.locator('#explorer');
  await demo.locator('[data-part="cells"] button >> nth=4').click();
  await p.waitForFunction(() => window.seen.picks.length === 1);
  assert.deepEqual(await p.evaluate(() => window.seen.picks[0]), { index: 4, label: 5, float32: true, length: s.latentDim });
  // The attributes can change later.
  await p.evaluate(() => {
    const element = document.querySelector('#explorer');
    element.setAttribute('digit', '8');
    element.setAttribute('text', '1984');
  });
  await p.waitForFunction(() => {
    const st = document.querySelector('#explorer').explorer.state;
    return st.gridDigit === 8 && st.gridRead && st.number?.text === '1984' && st.number.read;
  }, null, { timeout: 60_000 });
  s = await state();
  assert.ok(agreement(s.gridRead, () => 8) >= 0.9, `digit="8" drew ${s.gridRead}`);
  assert.ok(agreement(s.number.read, (i) => [1, 9, 8, 4][i]) >= 0.75, `1984 read as ${s.number.read}`);
  // A digit that is not one is reported, not thrown.
  await p.evaluate(() => document.querySelector('#explorer').setAttribute('digit', 'twelve'));
  await p.waitForFunction(() => window.seen.errors.length === 1);
  assert.equal(await p.evaluate(() => window.seen.errors[0]), 'digit must be one of 0–9, got "twelve"');
  await p.screenshot({ path: join(OUTPUT, 'explore-demo.png'), fullPage: true });
  assert.equal(await p.evaluate(() => window.seen.ready), 1);
  assert.deepEqual(errors, []);
  await p.close();
});
