// A/B of two CPU builds, or two settings, in one page, alternating:
// `node bench/ab.mjs DIR_A DIR_B [rounds] [mlp|PRESET_ID] [JSON_A] [JSON_B]`, DIR_A and DIR_B
// under www/ (for example pkg-cpu and a patched build written to www/pkg-cpu-b), JSON_A and
// JSON_B options laid over the preset's for each side (for example '{"depth":2}').
// Trains the classic MLP (500 steps, stats every 50) or a preset (stats every 10) and prints
// steps/s for each side in each round.
import { serve, launch, open } from '../tests/e2e/harness.mjs';
const [a, b, rounds = '3', what = 'mlp', overA = '{}', overB = '{}'] = process.argv.slice(2);
const sides = [[a, JSON.parse(overA)], [b, JSON.parse(overB)]];
const server = await serve();
const browser = await launch();
const { page } = await open(browser, `${server.url}/bench/bench.html`);
await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
page.setDefaultTimeout(0);
for (let r = 0; r < +rounds; r++) {
  for (const [dir, over] of sides) {
    const out = await page.evaluate(async ([dir, what, over]) => {
      const m = await import(`../www/${dir}/webgan.js`);
      await m.default();
      const { MnistStream } = await import('../www/mnist_stream.js');
      // Loaded once, for every round and side.
      if (!window.abData) {
        window.abData = new MnistStream();
        await window.abData.load('../www/data/mnist-10k-images-idx3-ubyte.gz');
      }
      const data = window.abData;
      const { PRESETS } = await import('../www/presets.js');
      const settings = { ...(what === 'mlp' ? { defaults: 'classic' } : PRESETS.find((p) => p.id === what).settings), ...over };
      const t = await m.GanTrainer.create({ ...settings, backend: 'cpu', batchSize: 64, seed: 1 });
      const steps = what === 'mlp' ? 500 : what === 'default' ? 150 : 30;
      const every = what === 'mlp' ? 50 : 10;
      await t.train_steps(data.batches(every, 64, Math.random), every);
      const s = performance.now();
      for (let d = 0; d < steps; d += every) await t.train_steps(data.batches(every, 64, Math.random), every);
      const sps = steps / ((performance.now() - s) / 1000);
      t.free();
      return sps;
    }, [dir, what, over]);
    console.log(`${what} ${dir} ${JSON.stringify(over)}: ${out.toFixed(2)} steps/s`);
  }
}
await browser.close();
server.close();
process.exit(0);
