// A/B of two WebGPU builds by the time a step takes on the page's main thread, what bounds a
// small batch on a real GPU: `node bench/host_ab.mjs DIR_A DIR_B [rounds] [classic|PRESET_ID]`,
// DIR_A and DIR_B under www/ (for example pkg and a build written to www/pkg-b). Each side runs
// in a fresh browser: the first step (kernel compilation), then the wall time per step and
// Chrome's main-thread task and script time per step (DevTools' Performance metrics), stats
// read every 10 steps.
import { serve, launch, open } from '../tests/e2e/harness.mjs';

const [a, b, rounds = '3', preset = 'classic'] = process.argv.slice(2);
const steps = preset === 'classic' ? 80 : preset === 'dcgan' ? 6 : 20;
const server = await serve();
for (let r = 0; r < +rounds; r++) {
  for (const dir of [a, b]) {
    const browser = await launch();
    try {
      const { page } = await open(browser, `${server.url}/bench/bench.html`);
      await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
      page.setDefaultTimeout(0);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const firstMs = await page.evaluate(async ([dir, preset]) => {
        const m = await import(`../www/${dir}/webgan.js`);
        await m.default();
        const { PRESETS } = await import('../www/presets.js');
        const settings = preset === 'classic' ? { defaults: 'classic' } : PRESETS.find((p) => p.id === preset).settings;
        const { MnistStream } = await import('../www/mnist_stream.js');
        window.abData = new MnistStream();
        await window.abData.load('../www/data/mnist-10k-images-idx3-ubyte.gz');
        const started = performance.now();
        window.abTrainer = await m.GanTrainer.create({ ...settings, backend: 'webgpu', batchSize: 64, seed: 1 });
        await window.abTrainer.train_step(window.abData.batches(1, 64, Math.random));
        const first = performance.now() - started;
        await window.abTrainer.train_steps(window.abData.batches(5, 64, Math.random), 5); // warm-up
        return first;
      }, [dir, preset]);
      const before = await metrics();
      const wallMs = await page.evaluate(async (steps) => {
        const every = Math.min(10, steps);
        const started = performance.now();
        for (let done = 0; done < steps; done += every) {
          await window.abTrainer.train_steps(window.abData.batches(every, 64, Math.random), every);
        }
        return performance.now() - started;
      }, steps);
      const after = await metrics();
      const per = (key) => ((after[key] - before[key]) * 1000) / steps;
      console.log(`${preset} ${dir}: first step ${firstMs.toFixed(0)} ms; per step: wall ${(wallMs / steps).toFixed(1)} ms, main-thread tasks ${per('TaskDuration').toFixed(2)} ms, script ${per('ScriptDuration').toFixed(2)} ms`);
    } finally {
      await browser.close();
    }
  }
}
server.close();
process.exit(0);
