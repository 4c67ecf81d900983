// The Chinese edition: the two string tables hold the same keys, the pages mark only keys that
// exist, the language is picked from ?lang=, the reader's choice and the browser, and in
// headless Chromium the tutorial, the demo page (train and generate) and embed.html work in
// Chinese with no English UI string left, pass axe-core, and switch language keeping a run.
// Screenshots at 1280 and 360 px go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, axeViolations, OUTPUT, ROOT } from './harness.mjs';
import en from '../../www/i18n/en.js';
import zh from '../../www/i18n/zh.js';
import { pickLanguage } from '../../www/i18n.js';

/** Every leaf of a table as [dotted key, value]. */
function leaves(node, prefix = '') {
  if (typeof node === 'string' || typeof node === 'function') return [[prefix, node]];
  return Object.entries(node).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}
const at = (table, key) => key.split('.').reduce((node, part) => node?.[part], table);

test('en.js and zh.js hold the same keys, of the same kinds and arities', () => {
  const describe = (table) => Object.fromEntries(leaves(table).map(([key, value]) => [key, typeof value === 'function' ? `function/${value.length}` : typeof value]));
  const english = describe(en);
  const chinese = describe(zh);
  const missing = (a, b) => Object.keys(a).filter((key) => !(key in b));
  assert.deepEqual(missing(english, chinese), [], 'keys in en.js missing from zh.js');
  assert.deepEqual(missing(chinese, english), [], 'keys in zh.js missing from en.js');
  for (const key of Object.keys(english)) assert.equal(chinese[key], english[key], key);
  // Arrays (the tutorial's chapters, the class names) have the same length.
  for (const [key] of leaves(en)) {
    const parent = key.split('.').slice(0, -1).join('.');
    if (Array.isArray(at(en, parent))) assert.equal(at(zh, parent).length, at(en, parent).length, parent);
  }
});

/** The English words a Chinese string may keep: proper names, code, units. */
const KEPT = [
  /GanTrainer\.create\(\{[^}]*\}\)/g, /docs\/quality\.md/g, /\.safetensors/g, /webgan-[\w${}.-]+/g, /SwiftShader[^,;，；)）]*/g,
  /Zalando Research/g, /Y\. LeCun/g, /C\. Cortes/g, /CC BY-SA 3\.0/g, /Web Worker/g, /Fashion-MNIST/g, /WGAN-GP/g,
  /Adam β1/g, /HTTP \d+ [A-Za-z ]+/g,
];
/** Two English words in a row, after the kept ones are removed: untranslated UI. */
const english = (text) => {
  let rest = text;
  for (const kept of KEPT) rest = rest.replace(kept, ' ');
  return rest.match(/\b[A-Za-z]{2,}[ ,'’]+[A-Za-z]{2,}\b/)?.[0] ?? null;
};

/** The only strings zh.js may share with en.js: names of things, and the digits. */
const SAME_IN_BOTH = /^(MLP|DCGAN|WGAN-GP|DCGAN \+ WGAN-GP|Adam β1|WebGPU|CPU|FD|[0-9])$/;

test('zh.js is Chinese: no string or sentence of it is left in English', () => {
  for (const [key, value] of leaves(zh)) {
    if (typeof value === 'string' && value === at(en, key)) assert.match(value, SAME_IN_BOTH, `${key} is the English string`);
  }
  const samples = { step: 1234, n: 3, message: '…' };
  for (const [key, value] of leaves(zh)) {
    if (key === 'errors' || key.endsWith('fileName') || key.endsWith('lookLike')) continue;
    // Functions are called with plausible arguments: numbers, words, a problem, a result.
    const text = typeof value === 'string' ? value : (() => {
      try {
        return String(value(...Array.from({ length: value.length }, (_, i) => [samples.step, 2, 0.5, 7][i])));
      } catch {
        return '';
      }
    })();
    assert.equal(english(text), null, `${key}: ${text}`);
  }
});

test('the language comes from ?lang=, then the reader\'s choice, then the browser, then English', () => {
  assert.equal(pickLanguage({ search: '?lang=zh' }), 'zh');
  assert.equal(pickLanguage({ search: '?lang=zh-CN', stored: 'en' }), 'zh');
  assert.equal(pickLanguage({ search: '?lang=en', preferred: ['zh-CN'] }), 'en');
  assert.equal(pickLanguage({ search: '?lang=fr', stored: 'zh' }), 'zh');
  assert.equal(pickLanguage({ stored: 'en', preferred: ['zh-TW'] }), 'en');
  assert.equal(pickLanguage({ preferred: ['fr-FR', 'zh-Hans-CN', 'en'] }), 'zh');
  assert.equal(pickLanguage({ preferred: ['de'] }), 'en');
  assert.equal(pickLanguage(), 'en');
});

test('every key the pages mark exists in both tables', async () => {
  const marked = [];
  for (const page of ['index.html', 'tutorial.html', 'embed.html']) {
    const html = await readFile(join(ROOT, 'www', page), 'utf8');
    for (const [, key] of html.matchAll(/data-i18n(?:-html)?="([^"]+)"/g)) marked.push(key);
    for (const [, pairs] of html.matchAll(/data-i18n-attr="([^"]+)"/g)) marked.push(...pairs.trim().split(/\s+/).map((pair) => pair.split(':')[1]));
  }
  assert.ok(marked.length > 100, `${marked.length} marked elements`);
  for (const key of marked) {
    assert.equal(typeof at(en, key), 'string', `en: ${key}`);
    assert.equal(typeof at(zh, key), 'string', `zh: ${key}`);
  }
});

test('the errors the page knows are shown in Chinese; others as they are', () => {
  assert.equal(zh.errors('could not download x.gz: HTTP 404 Not Found'), '无法下载 x.gz：服务器返回 HTTP 404 Not Found');
  assert.equal(zh.errors('not an IDX images file: magic number 0x00000801, expected 0x00000803'), '这不是 IDX 图像文件：魔数为 0x00000801，应为 0x00000803');
  assert.equal(zh.errors('the images are 32×32, expected 28×28'), '图像大小为 32×32，应为 28×28');
  assert.equal(zh.errors('learningRate must be a finite number, got NaN'), 'learningRate must be a finite number, got NaN');
  assert.equal(en.errors('the file holds no images'), 'the file holds no images');
});

// --- In the browser ----------------------------------------------------------------------

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

/**
 * Every piece of UI text on the page, shadow roots included: text nodes outside code, the
 * page title, and the aria-label, title, alt and placeholder attributes.
 */
const uiTexts = (p) => p.evaluate(() => {
  const texts = [document.title];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('code, pre, script, style, .language-switch')) continue;
      for (const name of ['aria-label', 'title', 'alt', 'placeholder']) if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
      for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) texts.push(node.textContent.trim());
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return texts;
});

/** `value` as a regular expression that matches it as whole words ("tensor", not "safetensors"). */
const wholeWords = (value) => new RegExp(`(?<![A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z])`);

/** The English strings of the tables (the static ones, where zh.js differs) found on the page, and English sentences. */
async function englishLeft(p) {
  const texts = await uiTexts(p);
  const tableStrings = leaves(en).filter(([key, value]) => typeof value === 'string' && value !== at(zh, key) && /[A-Za-z]{3}/.test(value))
    .map(([key, value]) => [key, value.replace(/<[^>]+>/g, '')]);
  const found = [];
  for (const text of texts) {
    for (const [key, value] of tableStrings) if (wholeWords(value).test(text)) found.push(`${key}: "${text}"`);
    const words = english(text);
    if (words) found.push(`"${words}" in "${text.slice(0, 120)}"`);
  }
  return found;
}

async function screenshots(p, name) {
  for (const width of [1280, 360]) {
    await p.setViewportSize({ width, height: 900 });
    await p.waitForTimeout(300);
    await p.screenshot({ path: join(OUTPUT, `${name}-${width}.png`), fullPage: true });
    if (width === 360) assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 362), `${name}: no sideways scrolling at 360 px`);
  }
  await p.setViewportSize({ width: 1280, height: 900 });
}

const tutorialState = (p) => p.evaluate(() => JSON.parse(JSON.stringify(window.tutorial)));

test('the tutorial in Chinese: every widget works, no English UI is left, axe passes', { timeout: 400_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/tutorial.html?lang=zh`, { viewport: { width: 1280, height: 900 } });
  assert.equal(await p.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await p.title(), zh.tutorial.title);
  assert.equal(await p.locator('h1').textContent(), zh.tutorial.heading);

  // 1–2. Real digits and noise; the layer table and D's verdict, in Chinese.
  await p.waitForFunction(() => window.tutorial.what?.real && window.tutorial.what?.fake && window.tutorial.networks?.verdict, null, { timeout: 120_000 });
  assert.equal(await p.locator('#what-status').textContent(), zh.tutorial.whatDone);
  assert.match(await p.locator('#networks-table caption').textContent(), /^权重张量：G 共有 227,344 个参数，D 共有 201,217 个$/);
  assert.match(await p.locator('#networks-verdict').textContent(), /^未训练的 D 给这些假图像的 D\(G\(z\)\) 平均为 0\.\d{3}/);

  // 3. The loop's buttons, by their Chinese names.
  await p.waitForFunction(() => window.tutorial.loop.length === 1, null, { timeout: 60_000 });
  await p.getByRole('button', { name: zh.tutorial.trainD }).click();
  await p.waitForFunction(() => window.tutorial.loop.length === 2);
  await p.getByRole('button', { name: zh.tutorial.trainG }).click();
  await p.waitForFunction(() => window.tutorial.loop.length === 3);
  assert.match(await p.locator('#loop-history li').first().textContent(), /^一次 G 步之后：D\(x\) 0\.\d{3}，D\(G\(z\)\) 0\.\d{3}$/);
  assert.match(await p.locator('#loop-verdict').textContent(), /^真实数字上 D\(x\) = /);

  // 4. The <webgan-demo> element trains, and speaks Chinese.
  await p.locator('#learning-demo').getByRole('button', { name: zh.demo.start }).click();
  await p.waitForFunction(() => window.tutorial.learning >= 20, null, { timeout: 60_000 });
  await p.locator('#learning-demo').getByRole('button', { name: zh.demo.pause }).click();
  assert.match(await p.locator('#learning-demo .status').textContent(), /^第 [\d,]+ 步 · D 损失 [\d.]+ · G 损失 [\d.]+$/);
  await p.waitForFunction(() => /数字分类器把它们认作/.test(document.querySelector('#learning-demo').shadowRoot.querySelector('canvas').getAttribute('aria-label')), null, { timeout: 30_000 });

  // 5. A preset trains to its first quality check, judged in Chinese.
  await p.getByRole('button', { name: zh.tutorial.presetDefault }).click();
  await p.waitForFunction(() => window.tutorial.unstable?.preset === 'default' && window.tutorial.unstable.step >= 500 && window.tutorial.unstable.histogram, null, { timeout: 200_000 });
  await p.getByRole('button', { name: zh.tutorial.stop }).click();
  assert.match(await p.locator('#unstable-status').textContent(), /^默认（MLP）停在第 [\d,]+ 步。$/);
  assert.match(await p.locator('#unstable-quality').textContent(), /由数字分类器评判/);

  // 6. The explorer, with its picks and sliders.
  await p.waitForFunction(() => {
    const e = window.tutorial.explore;
    return e && e.columns === 10 && e.picked.length === 2 && e.stripFrames > 0 && e.sliders === 8;
  }, null, { timeout: 120_000 });
  assert.match((await tutorialState(p)).explore.alts.strip, /^路径上的各帧：/);

  assert.deepEqual(await englishLeft(p), []);
  assert.deepEqual(await axeViolations(p), []);
  await screenshots(p, 'zh-tutorial');
  assert.deepEqual((await tutorialState(p)).errors, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('the demo page in Chinese: training, its panels and generate mode, with no English UI left', { timeout: 400_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?lang=zh&backend=cpu&steps=25`, { viewport: { width: 1280, height: 900 } });
  assert.equal(await p.evaluate(() => document.documentElement.lang), 'zh-CN');
  await p.waitForFunction(() => window.webgan.step >= 500 && window.webgan.quality, null, { timeout: 200_000 });
  await p.getByRole('button', { name: zh.page.pause }).click();
  assert.equal(await p.locator('#backend').textContent(), zh.page.backendCpu);
  assert.match(await p.locator('#grid-caption').textContent(), /^64 个样本，来自固定噪声，每 \d+ 步重画一次$/);
  assert.match(await p.locator('#quality').textContent(), /满分 10；真实数字/);
  assert.equal(await p.locator('#preset option:checked').textContent(), zh.presets.default.name);
  assert.equal(await p.locator('#preset-note').textContent(), zh.presets.default.note);
  // The explorer on the paused trainer.
  await p.locator('#train-explore summary').click();
  await p.waitForFunction(() => window.webgan.explorer?.grids > 0, null, { timeout: 60_000 });
  await p.locator('#settings').evaluate((form) => { form.closest('details').open = true; });
  await p.locator('#data-details').evaluate((details) => { details.open = true; });
  assert.deepEqual(await englishLeft(p), []);
  assert.deepEqual(await axeViolations(p), []);
  await screenshots(p, 'zh-train');
  // A run that diverges: the recovery panel says so in Chinese, and rolls back.
  await p.evaluate(() => window.webgan.fault('diverge'));
  await p.getByRole('button', { name: zh.page.start }).click();
  await p.waitForFunction(() => window.webgan.recovery?.kind === 'diverged', null, { timeout: 60_000 });
  assert.match(await p.locator('#recovery-text').textContent(), /^训练在第 [\d,]+ 步前发散了：损失已不再是有效数值/);
  assert.match(await p.locator('#recovery-go').textContent(), /^回退到第 [\d,]+ 步（学习率 0\.\d+）$/);
  assert.equal(await p.locator('#recovery-fresh').textContent(), zh.recovery.startOver);
  assert.deepEqual(await englishLeft(p), []);
  const diverged = await p.evaluate(() => window.webgan.recovery.step);
  await p.locator('#recovery-go').click();
  await p.waitForFunction(() => window.webgan.recovery?.kind === 'rollback' && window.webgan.playing, null, { timeout: 60_000 });
  assert.ok(await p.evaluate(() => window.webgan.recovery.step) < diverged, 'rolled back to a step before the divergence');
  assert.deepEqual(errors, []);

  // Generate mode, with the Fashion generator: clothes named in Chinese.
  await p.goto(`${server.url}/www/index.html?lang=zh&mode=generate&backend=cpu&weights=weights/generator-fashion.safetensors`);
  await p.waitForFunction(() => window.webgan.quality && window.webgan.explorer?.grids > 0, null, { timeout: 200_000 });
  assert.match(await p.locator('#gen-quality').textContent(), /由服装分类器评判/);
  assert.equal(await p.locator('.explorer-digits button').first().textContent(), zh.datasets.fashion.classes[0]);
  assert.deepEqual(await englishLeft(p), []);
  assert.deepEqual(await axeViolations(p), []);
  await screenshots(p, 'zh-generate');
  assert.deepEqual(errors, []);
  await p.close();
});

test('errors the page knows are shown in Chinese', { timeout: 120_000 }, async () => {
  const { page: p } = await open(browser, `${server.url}/www/index.html?lang=zh&backend=cpu&data=missing.gz`);
  await p.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
  assert.match(await p.locator('#error-text').textContent(), /^无法加载数据集：无法下载 \S*missing\.gz：服务器返回 HTTP 404/);
  // The page stays usable: back to the built-in digits, and training runs.
  await p.selectOption('#dataset', 'fashion');
  await p.waitForFunction(() => window.webgan.step >= 10, null, { timeout: 60_000 });
  await p.close();
});

test('switching language: the switch reloads in the other language and keeps the run; the choice and the browser\'s language are remembered', { timeout: 300_000 }, async () => {
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?backend=cpu&steps=10`, { locale: 'en-US' });
  assert.equal(await p.evaluate(() => document.documentElement.lang), 'en');
  await p.waitForFunction(() => window.webgan.step >= 100, null, { timeout: 120_000 });
  await p.getByRole('button', { name: en.page.pause }).click();
  await p.waitForTimeout(1000); // the batch in flight lands
  const step = await p.evaluate(() => window.webgan.step);
  await Promise.all([p.waitForEvent('load'), p.getByRole('link', { name: '中文' }).click()]);
  assert.equal(await p.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.match(p.url(), /[?&]lang=zh/);
  // The run was saved before the reload: the resume prompt asks, in Chinese.
  await p.waitForSelector('#resume:not([hidden])', { timeout: 60_000 });
  assert.match(await p.locator('#resume-text').textContent(), new RegExp(`^要从第 ${step.toLocaleString('en')} 步（保存于`));
  await p.getByRole('button', { name: zh.checkpoint.resume }).click();
  await p.waitForFunction((s) => window.webgan.step >= s, step, { timeout: 60_000 });
  // The choice is kept: the tutorial opens in Chinese without ?lang=.
  await p.goto(`${server.url}/www/tutorial.html`);
  assert.equal(await p.locator('h1').textContent(), zh.tutorial.heading);
  assert.deepEqual(errors, []);
  await p.close();

  // A browser set to Chinese gets Chinese; embed.html's element speaks it and switches back.
  const { page: q } = await open(browser, `${server.url}/www/embed.html?mode=generate&backend=cpu`, { locale: 'zh-CN', viewport: { width: 360, height: 640 } });
  assert.equal(await q.evaluate(() => document.documentElement.lang), 'zh-CN');
  await q.waitForFunction(() => /识别为：/.test(document.querySelector('webgan-demo').shadowRoot.querySelector('.classes').textContent), null, { timeout: 60_000 });
  assert.equal(await q.locator('webgan-demo').getByRole('button').first().textContent(), zh.demo.newSamples);
  assert.deepEqual(await englishLeft(q), []);
  assert.deepEqual(await axeViolations(q), []);
  await q.screenshot({ path: join(OUTPUT, 'zh-embed-360.png') });
  await Promise.all([q.waitForEvent('load'), q.getByRole('link', { name: 'English' }).click()]);
  assert.equal(await q.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await q.locator('webgan-demo').getByRole('button').first().textContent(), en.demo.newSamples);
  await q.close();
});
