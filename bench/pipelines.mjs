// `node bench/pipelines.mjs [JSON settings]`: what the first WebGPU step compiles, pipeline by
// pipeline. Captures the WGSL of every compute pipeline of a trainer's first step (by default
// the classic MLP), then, in a fresh browser so that nothing is cached, compiles each alone with
// createComputePipelineAsync and prints the time and size of each, slowest first. On SwiftShader
// the first step's time is nearly all this compilation (docs/performance.md).
import { serve, launch, open } from '../tests/e2e/harness.mjs';

const settings = JSON.parse(process.argv[2] ?? '{"defaults":"classic"}');
const server = await serve();

/** The first step's time and each pipeline's label, entry point and WGSL. */
async function capture() {
  const browser = await launch();
  try {
    const { page } = await open(browser, `${server.url}/bench/bench.html`);
    await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
    page.setDefaultTimeout(0);
    return await page.evaluate(async (s) => {
      const codes = new WeakMap();
      const pipelines = [];
      const createShaderModule = GPUDevice.prototype.createShaderModule;
      GPUDevice.prototype.createShaderModule = function (descriptor) {
        const module = createShaderModule.call(this, descriptor);
        codes.set(module, descriptor.code);
        return module;
      };
      const createComputePipeline = GPUDevice.prototype.createComputePipeline;
      GPUDevice.prototype.createComputePipeline = function (descriptor) {
        const { module, entryPoint } = descriptor.compute;
        pipelines.push({ label: descriptor.label || '?', entryPoint, code: codes.get(module) });
        return createComputePipeline.call(this, descriptor);
      };
      const { GanTrainer } = await import('../www/pkg/webgan.js');
      const trainer = await GanTrainer.create({ ...s, backend: 'webgpu', batchSize: 64, seed: 1 });
      const images = new Uint8Array(64 * 784).map((_, i) => (i * 37) % 256);
      const started = performance.now();
      await trainer.train_step(images);
      const firstStepMs = performance.now() - started;
      trainer.free();
      return { firstStepMs, pipelines };
    }, settings);
  } finally {
    await browser.close();
  }
}

/** Each pipeline compiled alone on a fresh device: milliseconds, WGSL lines, label. */
async function compileEach(pipelines) {
  const browser = await launch();
  try {
    const { page } = await open(browser, `${server.url}/bench/bench.html`);
    page.setDefaultTimeout(0);
    return await page.evaluate(async (pipelines) => {
      const adapter = await navigator.gpu.requestAdapter();
      const limits = ['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'];
      const device = await adapter.requestDevice({
        requiredLimits: Object.fromEntries(limits.map((name) => [name, adapter.limits[name]])),
        requiredFeatures: [...adapter.features].filter((f) => ['shader-f16', 'subgroups'].includes(f)),
      });
      const times = [];
      for (const { label, entryPoint, code } of pipelines) {
        const started = performance.now();
        const module = device.createShaderModule({ code });
        await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint } });
        times.push({ label, ms: performance.now() - started, lines: code.split('\n').length });
      }
      return times;
    }, pipelines);
  } finally {
    await browser.close();
  }
}

try {
  const { firstStepMs, pipelines } = await capture();
  console.log(`first step ${firstStepMs.toFixed(0)} ms, ${pipelines.length} pipelines`);
  const times = await compileEach(pipelines);
  console.log(`compiled one by one: ${times.reduce((sum, t) => sum + t.ms, 0).toFixed(0)} ms`);
  for (const { ms, lines, label } of times.sort((a, b) => b.ms - a.ms)) {
    console.log(`${ms.toFixed(0).padStart(6)} ${String(lines).padStart(5)} ${label}`);
  }
} finally {
  server.close();
}
