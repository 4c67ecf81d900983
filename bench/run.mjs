// `./build.sh bench`: measures training speed (and one core's SIMD peak under it), WebGPU calls
// per step, start-up times, wasm size and memory in headless Chromium, then quality against
// steps, prints a table and writes bench/results/<time>.json. `./build.sh bench <preset id>…`
// measures only those presets' quality, `./build.sh bench speed` only the speed,
// `./build.sh bench conditional` only the conditional presets' quality and the latent
// explorer, `./build.sh bench explorer` only the explorer, `./build.sh bench checkpoint` only
// the checkpoints' size and save and resume times,
// `./build.sh bench soak [mlp|dcgan] [CPU steps] [WebGPU steps]` only the soak (runSoak below):
// by default both models, 20,000 steps on the CPU and 2,000 on WebGPU; `./build.sh bench peers`
// only the same step in TensorFlow.js and jax-js against WebGAN's (peers.mjs), which the full
// bench and `speed` run too.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, launch, open, ROOT } from '../tests/e2e/harness.mjs';
import { describe, summarize } from './soak_summary.mjs';
import { runPeers } from './peers.mjs';
import { measureSimdPeak } from './simd_peak.mjs';

const server = await serve();
const browser = await launch();
// Arguments: preset ids measure only their quality; `speed` measures only the speed;
// `conditional` only the conditional presets and the explorer.
const speedOnly = process.argv[2] === 'speed';
const soakOnly = process.argv[2] === 'soak';
const peersOnly = process.argv[2] === 'peers';
// The modes that measure nothing else.
const aside = soakOnly || peersOnly;
const explorerOnly = process.argv[2] === 'explorer';
const checkpointOnly = process.argv[2] === 'checkpoint';
const conditionalOnly = process.argv[2] === 'conditional' || explorerOnly || checkpointOnly;
const only = speedOnly || conditionalOnly || aside ? [] : process.argv.slice(2);
// Whether the speed figures run (the full bench and `speed`); the peers' table runs with them.
const speedRuns = !only.length && !conditionalOnly && !aside;
// Peers: a second server whose pages are cross-origin isolated (SharedArrayBuffer, threads).
const isolatedServer = peersOnly || speedRuns ? await serve({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }) : null;
const ALL_PRESETS = (await import('../www/presets.js')).PRESETS.map((p) => p.id);
const CONDITIONAL_PRESETS = ['conditional', 'conditional-dcgan'];
// Issue 15's targets at 3,000 steps, per preset: score, Fréchet distance, smallest class share.
const TARGETS = {
  default: { score: 7.0, fd: 80, minClass: 0.05 },
  dcgan: { score: 8.0, fd: 25, minClass: 0 },
};
const results = {
  date: new Date().toISOString(),
  model: [
    only.length || conditionalOnly ? '' : 'speed: classic MLP, batch 64, and the default preset',
    speedOnly || conditionalOnly ? '' : `quality: ${only.length ? only.join(', ') : 'every preset, 3 seeds'}`,
    only.length || speedOnly || checkpointOnly ? '' : 'conditional: the conditional presets\' quality and agreement, the latent explorer',
    only.length || speedOnly || (conditionalOnly && !checkpointOnly) ? '' : 'checkpoints: size, save and resume times',
  ].filter(Boolean).join('; '),
};

try {
  const { page } = await open(browser, `${server.url}/bench/bench.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
  page.setDefaultTimeout(0);
  if (soakOnly) await soak(page);
  if (peersOnly) results.model = 'peers: the classic MLP GAN step, batch 64, in WebGAN, TensorFlow.js and jax-js';
  if (peersOnly || speedRuns) results.peers = await runPeers({ browser, serverUrl: server.url, isolatedServerUrl: isolatedServer.url });
  if (speedRuns) {
    // The ceiling under every CPU figure: one core's multiply-adds a second in wasm SIMD.
    results.simdPeak = await measureSimdPeak(browser);
    const size = (path) => {
      const wasm = readFileSync(join(ROOT, path));
      return { rawBytes: wasm.length, gzipBytes: gzipSync(wasm, { level: 9 }).length };
    };
    results.wasm = size('www/pkg/webgan_bg.wasm');
    results.cpuOnlyWasm = size('www/pkg-cpu/webgan_bg.wasm');
    // What generate mode downloads before its first grid: the CPU build and the generator it
    // opens with (protocol.js's CONDITIONAL_GENERATOR_URL).
    const { CONDITIONAL_GENERATOR_URL } = await import('../www/protocol.js');
    results.generateModeGzipBytes = results.cpuOnlyWasm.gzipBytes + size(`www/${CONDITIONAL_GENERATOR_URL}`).gzipBytes;

    // The classic MLP, as GanTrainer.create({ defaults: 'classic' }) trains it.
    const classic = { defaults: 'classic' };
    results.cpu = await page.evaluate((s) => window.runBackend('cpu', { everyStepSteps: 100, everyFiftySteps: 200, memory: [200, 2000], settings: s }), classic);
    // The same CPU backend inside www/pkg, the build the README's example imports: one speed
    // whichever module is loaded.
    results.cpuInPkg = await page.evaluate((s) => window.runBackend('cpu', { build: 'webgpu', everyStepSteps: 100, everyFiftySteps: 200, memory: [], settings: s }), classic);
    // The page's default preset adds the R1 penalty to the same MLP: its cost per step.
    const preset = (await import('../www/presets.js')).PRESETS.find((p) => p.id === 'default').settings;
    const presetSpeed = (backend, everyStepSteps, everyFiftySteps) => page.evaluate(
      ([backend, options]) => window.runBackend(backend, options),
      [backend, { everyStepSteps, everyFiftySteps, memory: [], settings: preset }]);
    results.cpuDefaultPreset = await presetSpeed('cpu', 50, 200);
    results.webgpu = await page.evaluate((s) => window.runBackend('webgpu', { everyStepSteps: 5, everyFiftySteps: 50, memory: [], settings: s }), classic);
    results.webgpuDefaultPreset = await presetSpeed('webgpu', 5, 50);
    // The DCGAN preset, and the same twice as wide (channels 64, "DCGAN (large)"): what a
    // wider DCGAN costs per step.
    const dcgan = (await import('../www/presets.js')).PRESETS.find((p) => p.id === 'dcgan').settings;
    const dcganSpeed = (backend, settings, steps) => page.evaluate(
      ([backend, options]) => window.runBackend(backend, options),
      [backend, { everyStepSteps: steps, everyFiftySteps: 0, memory: [], settings }]);
    results.dcganSpeed = {};
    for (const [name, settings] of [['dcgan', dcgan], ['dcganLarge', { ...dcgan, channels: 64 }]]) {
      results.dcganSpeed[name] = { cpu: await dcganSpeed('cpu', settings, 10), webgpu: await dcganSpeed('webgpu', settings, 3) };
    }
    const generate = await open(browser, `${server.url}/www/index.html?mode=generate`);
    await generate.page.waitForFunction(() => window.webgan.firstGridMs !== null, null, { timeout: 120_000 });
    results.generateFirstGridMs = await generate.page.evaluate(() => window.webgan.firstGridMs);
    await generate.page.close();
  }
  // Quality last, as it takes hours: against steps (500, 1,000, 3,000) for every preset on
  // seed 1, then 3,000 steps on seeds 2 and 3; the conditional presets below.
  results.quality = [];
  const quality = (preset, seed, checkpoints) => page.evaluate(
    ([preset, seed, checkpoints]) => window.runQuality(preset, seed, checkpoints), [preset, seed, checkpoints]);
  if (!speedOnly && !conditionalOnly && !aside) {
    for (const preset of only.length ? only : ALL_PRESETS.filter((id) => !CONDITIONAL_PRESETS.includes(id))) {
      results.quality.push(await quality(preset, 1, [500, 1000, 3000]));
      for (const seed of [2, 3]) results.quality.push(await quality(preset, seed, [3000]));
    }
  }
  if (!speedOnly && !aside && !only.length && (!conditionalOnly || checkpointOnly)) {
    // The default MLP preset and the conditional DCGAN, on the CPU and on WebGPU.
    const presets = (await import('../www/presets.js')).PRESETS;
    results.checkpoints = [];
    for (const backend of ['cpu', 'webgpu']) {
      for (const id of ['default', 'conditional-dcgan']) {
        const { settings } = presets.find((p) => p.id === id);
        results.checkpoints.push(await page.evaluate(([b, id, s]) => window.runCheckpoint(b, id, s, 6), [backend, id, settings]));
      }
    }
  }
  if (!speedOnly && !aside && !only.length && !checkpointOnly) {
    // Each conditional preset on 3 seeds, then the latent explorer (seconds).
    for (const preset of explorerOnly ? [] : CONDITIONAL_PRESETS) {
      results.quality.push(await quality(preset, 1, [500, 1000, 3000]));
      for (const seed of [2, 3]) results.quality.push(await quality(preset, seed, [3000]));
    }
    results.explorer = [];
    for (const url of ['../www/weights/generator-conditional.safetensors', '../www/weights/generator.safetensors']) {
      results.explorer.push(await page.evaluate(([url]) => window.runExplorer(url, 100), [url]));
    }
    results.explorerPage = await sliderDrag();
  }
  await page.close();
} finally {
  await browser.close();
  server.close();
  isolatedServer?.close();
}

/**
 * Issue 16's soak: each model trains `steps` steps on each backend (20,000 on the CPU, 2,000
 * on WebGPU unless the arguments say), recording every 1,000 steps (or a tenth of a shorter
 * run); prints each figure's growth against the targets (soak_summary.mjs), into
 * bench/results/<time>-soak.json.
 */
async function soak(page) {
  const args = process.argv.slice(3);
  const models = args.filter((a) => a === 'mlp' || a === 'dcgan');
  const [cpuSteps = 20_000, webgpuSteps = 2_000] = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const presets = (await import('../www/presets.js')).PRESETS;
  const settingsOf = { mlp: presets.find((p) => p.id === 'default').settings, dcgan: presets.find((p) => p.id === 'dcgan').settings };
  results.model = `soak: ${(models.length ? models : ['mlp', 'dcgan']).join(', ')}; ${cpuSteps} CPU steps, ${webgpuSteps} WebGPU steps`;
  results.soak = [];
  for (const model of models.length ? models : ['mlp', 'dcgan']) {
    for (const [backend, steps] of [['cpu', cpuSteps], ['webgpu', webgpuSteps]]) {
      if (!steps) continue;
      const every = Math.min(1000, steps / 10);
      const chunk = Math.min(50, every);
      const run = await page.evaluate(([b, m, s, n, e, c]) => window.runSoak(b, m, s, n, e, c), [backend, model, settingsOf[model], steps, every, chunk]);
      run.growth = summarize(run);
      run.flat = run.growth.flat;
      results.soak.push(run);
      console.log(describe(run));
    }
  }
}

/**
 * The explorer as a visitor drags a slider, in generate mode on the CPU backend with the
 * conditional DCGAN: a new slider value every animation frame for 5 s, through the worker and
 * onto the canvas; the redraws that landed per second.
 */
async function sliderDrag() {
  const { page } = await open(browser, `${server.url}/www/index.html?mode=generate&backend=cpu&seed=7`);
  await page.waitForFunction(() => window.webgan.explorer?.grids >= 1, null, { timeout: 120_000 });
  await page.locator('#cells .explorer-cell').nth(3).click();
  await page.waitForFunction(() => window.webgan.explorer.sliders === 8, null, { timeout: 60_000 });
  const result = await page.evaluate(() => new Promise((resolve) => {
    const slider = document.getElementById('slider-0');
    const state = window.webgan.explorer;
    const [before, started] = [state.sliderRedraws, performance.now()];
    let frames = 0;
    const frame = (now) => {
      if (now - started < 5000) {
        frames += 1;
        slider.value = (3 * Math.sin(frames / 20)).toFixed(1);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        requestAnimationFrame(frame);
      } else {
        const seconds = (now - started) / 1000;
        resolve({ inputsPerSecond: frames / seconds, redrawsPerSecond: (state.sliderRedraws - before) / seconds, maxInFlight: state.maxInFlight });
      }
    };
    requestAnimationFrame(frame);
  }));
  await page.close();
  return result;
}

const f = (x, d = 1) => (x === undefined || x === null ? '–' : Number(x).toFixed(d));
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
if (speedRuns) {
  const rows = [
    ['wasm size, www/pkg (WebGPU + CPU)', `${mb(results.wasm.rawBytes)} raw, ${mb(results.wasm.gzipBytes)} gzipped`, '≤ 2.8 MB gzipped'],
    ['wasm size, www/pkg-cpu (CPU only)', `${mb(results.cpuOnlyWasm.rawBytes)} raw, ${mb(results.cpuOnlyWasm.gzipBytes)} gzipped`, '≤ 2 MB gzipped'],
    ['one core, 128-bit wasm SIMD: G multiply-adds/s, mul + add / fused', `${f(results.simdPeak.mul_add.best)} / ${f(results.simdPeak.relaxed_madd.best)}`, ''],
    ['CPU steps/s, stats every step', f(results.cpu.everyStep.stepsPerSecond), ''],
    ['CPU steps/s, stats every 50', f(results.cpu.everyFifty.stepsPerSecond), '≥ 120'],
    ['CPU in www/pkg: steps/s, stats every step / every 50', `${f(results.cpuInPkg.everyStep.stepsPerSecond)} / ${f(results.cpuInPkg.everyFifty.stepsPerSecond)}`, 'as www/pkg-cpu'],
    ['WebGPU steps/s, stats every step', f(results.webgpu.everyStep.stepsPerSecond, 2), ''],
    ['WebGPU steps/s, stats every 50', f(results.webgpu.everyFifty.stepsPerSecond, 2), ''],
    ['WebGPU dispatches per step', f(results.webgpu.everyFifty.dispatches), '≤ 40'],
    ['default preset (+ R1): CPU steps/s, stats every 50', f(results.cpuDefaultPreset.everyFifty.stepsPerSecond), ''],
    ['default preset (+ R1): WebGPU steps/s, stats every 50', f(results.webgpuDefaultPreset.everyFifty.stepsPerSecond, 2), ''],
    ['default preset (+ R1): WebGPU dispatches per step', f(results.webgpuDefaultPreset.everyFifty.dispatches), '≤ 36'],
    ['DCGAN preset (channels 32): CPU / WebGPU steps/s', `${f(results.dcganSpeed.dcgan.cpu.everyStep.stepsPerSecond, 2)} / ${f(results.dcganSpeed.dcgan.webgpu.everyStep.stepsPerSecond, 2)}`, '≥ 10 on the CPU'],
    ['DCGAN preset: WebGPU dispatches / submits per step', `${f(results.dcganSpeed.dcgan.webgpu.everyStep.dispatches)} / ${f(results.dcganSpeed.dcgan.webgpu.everyStep.submits)}`, ''],
    ['DCGAN (large, channels 64): CPU / WebGPU steps/s', `${f(results.dcganSpeed.dcganLarge.cpu.everyStep.stepsPerSecond, 2)} / ${f(results.dcganSpeed.dcganLarge.webgpu.everyStep.stepsPerSecond, 2)}`, ''],
    ['WebGPU submits per step', f(results.webgpu.everyFifty.submits, 2), ''],
    ['WebGPU readbacks per step, stats every 50', f(results.webgpu.everyFifty.readbacks, 3), '≤ 0.05'],
    ['WebGPU readbacks per step, stats every step', f(results.webgpu.everyStep.readbacks, 2), ''],
    ['create → first step, CPU', `${f(results.cpu.firstStepMs, 0)} ms`, ''],
    ['create → first step, WebGPU', `${f(results.webgpu.firstStepMs, 0)} ms`, '≤ 6000 ms'],
    ['  of which GanTrainer.create, WebGPU', `${f(results.webgpu.createMs, 0)} ms`, ''],
    ['WebGPU pipelines compiled for the first step', f(results.webgpu.firstStepPipelines, 0), ''],
    ['create → first step again, kernels compiled', `${f(results.webgpu.cachedFirstStepMs, 0)} ms`, ''],
    ['generate mode: load → first grid', `${f(results.generateFirstGridMs, 0)} ms`, '≤ 1000 ms'],
    ['generate mode: wasm + generator before the first grid', `${f(results.generateModeGzipBytes / 1e6, 2)} MB gzipped`, '≤ 1.0 MB'],
    ['wasm memory after 200 steps (CPU, pkg-cpu)', mb(results.cpu.wasmMemoryBytes[200]), ''],
    ['wasm memory after 2,000 steps (CPU, pkg-cpu)', mb(results.cpu.wasmMemoryBytes[2000]),
      `≤ 1.1× (${f(results.cpu.wasmMemoryBytes[2000] / results.cpu.wasmMemoryBytes[200], 2)}×)`],
  ];
  console.log(`WebGPU adapter: ${results.webgpu.adapter}`);
  console.log('WebGPU dispatches per step by kernel (stats every 50):');
  for (const [kernel, n] of Object.entries(results.webgpu.everyFifty.perKernel)) console.log(`  ${f(n, 2).padStart(6)}  ${kernel}`);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(28)} ${target}`);
}

for (const { url, directionsMs, redrawsPerSecond } of results.explorer ?? []) {
  console.log(`latent explorer, CPU, ${url}: generate(1 z) ${f(redrawsPerSecond)} times/s, directions in ${f(directionsMs, 0)} ms`);
}
if (results.explorerPage) {
  const { inputsPerSecond, redrawsPerSecond, maxInFlight } = results.explorerPage;
  console.log(`latent explorer in the page, CPU, conditional DCGAN, a slider dragged: ${f(redrawsPerSecond)} redraws/s (target ≥ 20) for ${f(inputsPerSecond)} inputs/s, at most ${maxInFlight} request in flight`);
}

for (const c of results.checkpoints ?? []) {
  console.log(`checkpoint, ${c.model}, ${c.backend}: ${(c.checkpointBytes / 2 ** 20).toFixed(2)} MiB (weights alone ${(c.weightsBytes / 2 ** 20).toFixed(2)} MiB); export_checkpoint ${f(c.saveMs, 0)} ms (first ${f(c.firstSaveMs, 0)} ms), resume ${f(c.resumeMs, 0)} ms, checkpoint_info ${f(c.infoMs, 0)} ms`);
}

if (results.quality.length) {
  const { reference } = results.quality[0];
  console.log(`Quality against steps, CPU, 1,500 samples; a run passes at score ≥ 6 with every class ≥ 3% (held-out real digits: score ${f(reference.score, 2)}, FD ${f(reference.fd, 2)}):`);
  console.log(`  (target: issue 15's target at 3,000 steps, ${Object.entries(TARGETS).map(([id, t]) => `${id} score ≥ ${t.score}, FD ≤ ${t.fd}${t.minClass ? `, every class ≥ ${100 * t.minClass}%` : ''}`).join('; ')})`);
  for (const { id, preset, seed, results: rows } of results.quality) {
    for (const { step, score, fd, agreement, histogram, seconds } of rows) {
      const classes = histogram.map((h) => (100 * h).toFixed(1).padStart(5)).join('');
      const target = step === 3000 ? TARGETS[id] : undefined;
      const met = target && (score >= target.score && fd <= target.fd && Math.min(...histogram) >= target.minClass ? '  target met' : '  target MISSED');
      const pass = (score >= 6 && Math.min(...histogram) >= 0.03 ? 'pass' : '    ') + (met || '');
      const agreed = agreement === undefined ? '' : `  agreement ${f(100 * agreement)}%`;
      console.log(`  ${preset.padEnd(18)} seed ${seed}  step ${String(step).padStart(5)}  score ${f(score, 2)}  FD ${f(fd, 1).padStart(7)}${agreed}  ${pass}  classes %${classes}  (${f(seconds, 0)} s)`);
    }
  }
}

const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.date.replace(/[:.]/g, '-')}${soakOnly ? '-soak' : peersOnly ? '-peers' : ''}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`wrote ${file}`);
