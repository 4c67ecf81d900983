// Counts one preset's WebGPU dispatches per step by kernel (bench.html's counters), without
// the rest of the bench: `node bench/dispatches.mjs [preset id|classic] [steps] [JSON settings]`.
import { serve, launch, open } from '../tests/e2e/harness.mjs';

const [id = 'dcgan', steps = '2', extra = '{}'] = process.argv.slice(2);
const { PRESETS } = await import('../www/presets.js');
// `classic`: the classic MLP, as the bench measures it.
const preset = id === 'classic' ? { settings: { defaults: 'classic' } } : PRESETS.find((p) => p.id === id);
if (!preset) throw new Error(`no preset ${id}: classic, ${PRESETS.map((p) => p.id).join(', ')}`);
const settings = { ...preset.settings, ...JSON.parse(extra) };
const server = await serve();
const browser = await launch();
try {
  const { page } = await open(browser, `${server.url}/bench/bench.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
  page.setDefaultTimeout(0);
  const result = await page.evaluate(([s, n]) => window.runBackend('webgpu', { everyStepSteps: n, everyFiftySteps: 0, memory: [], settings: s }), [settings, Number(steps)]);
  const { everyStep } = result;
  console.log(JSON.stringify({ preset: id, settings, firstStepMs: result.firstStepMs, firstStepPipelines: result.firstStepPipelines, dispatches: everyStep.dispatches, submits: everyStep.submits, stepsPerSecond: everyStep.stepsPerSecond }));
  for (const [kernel, n] of Object.entries(everyStep.perKernel)) console.log(`${n.toFixed(1).padStart(6)}  ${kernel}`);
} finally {
  await browser.close();
  server.close();
}
