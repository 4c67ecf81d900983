// Every page works under a strict Content-Security-Policy (issue 16): no inline scripts, no
// inline styles the policy blocks, no eval; wasm is allowed by 'wasm-unsafe-eval' alone. The
// server sends the policy with every file, the worker's included. Each page must do its work
// (train, generate, the tutorial's widgets) with no violation reported, in the page
// (securitypolicyviolation events, console) or in the worker (whose wasm would not run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open } from './harness.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
  + "style-src 'self'; img-src 'self' blob: data:; connect-src 'self'";

let server, browser;
before(async () => { server = await serve({ 'content-security-policy': STRICT_CSP }); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const PAGES = [
  ['train mode', '/www/index.html?backend=cpu&steps=20', () => window.webgan?.step >= 500 && window.webgan.quality],
  ['generate mode', '/www/index.html?mode=generate&backend=cpu', () => window.webgan?.quality && window.webgan.grids >= 1],
  ['tutorial', '/www/tutorial.html', () => window.tutorial?.loop.length >= 1 && window.tutorial.networks?.verdict],
  ['embed, generate', '/www/embed.html?mode=generate&backend=cpu',
    () => document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label').includes('reads them as')],
  ['embed, train', '/www/embed.html?mode=train&backend=cpu&autoplay=1',
    () => document.querySelector('webgan-demo')?.shadowRoot.querySelector('canvas').getAttribute('aria-label').includes('reads them as')],
];

/**
 * A new browser context whose pages record each violation in `window.cspViolations`, as
 * "directive: blocked URI (file:line)", from the first script on, before any of the page's own.
 */
async function recordingViolations() {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return context;
}

for (const [name, path, ready] of PAGES) {
  test(`${name} works under a strict Content-Security-Policy, with no violation`, { timeout: 180_000 }, async () => {
    const context = await recordingViolations();
    const p = await context.newPage();
    const messages = [];
    p.on('console', (message) => messages.push(message.text()));
    p.on('pageerror', (error) => messages.push(String(error)));
    const response = await p.goto(`${server.url}${path}`);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP, 'the page is served with the policy');
    await p.waitForFunction(ready, null, { timeout: 150_000 });
    const violations = await p.evaluate(() => window.cspViolations);
    assert.deepEqual(violations, []);
    assert.deepEqual(messages.filter((m) => /Content.Security.Policy|Refused to/i.test(m)), []);
    await context.close();
  });
}

test('the check can fail: an inline script is reported as a violation', { timeout: 60_000 }, async () => {
  const context = await recordingViolations();
  const p = await context.newPage();
  await p.goto(`${server.url}/www/embed.html?mode=generate&backend=cpu`);
  await p.addScriptTag({ content: 'window.inlineRan = true;' }).catch(() => {});
  assert.equal(await p.evaluate(() => window.inlineRan), undefined);
  const directives = (await p.evaluate(() => window.cspViolations)).map((v) => v.split(':')[0]);
  assert.deepEqual(directives.filter((d) => d.startsWith('script-src')), ['script-src-elem']);
  await context.close();
});
