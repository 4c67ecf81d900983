// The public API on the shipped digits: GanTrainer trains through `import init, { GanTrainer }
// from './pkg/webgan.js'` on the CPU and on WebGPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

for (const [backend, steps] of [['cpu', 30], ['webgpu', 3]]) {
  test(`trains on the 10k shipped digits with backend "${backend}"`, { timeout: 600_000 }, async () => {
    const { page, errors } = await open(browser, `${server.url}/tests/e2e/api.html`);
    await page.waitForFunction(() => window.ready);
    const result = await page.evaluate(([b, n]) => window.trainOnDigits(b, n), [backend, steps]);
    console.log(`${backend}: ${JSON.stringify(result)}`);
    assert.equal(result.backend, backend);
    assert.equal(result.count, 10000);
    assert.equal(result.last.step, steps + 1);
    for (const key of ['d_loss', 'g_loss']) assert.ok(Number.isFinite(result.last[key]) && result.last[key] > 0, key);
    assert.equal(result.imageBytes, 4 * 784);
    if (backend === 'webgpu') assert.ok(result.adapter, 'no adapter name');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
