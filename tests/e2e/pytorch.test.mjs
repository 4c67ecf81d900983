// PyTorch's layout (docs/pytorch.md), checked by an independent implementation: numpy
// forward passes written from PyTorch's definitions (tests/pytorch/check_layout.py, numpy and
// safetensors only) against WebGAN in both directions.
// - export: a CPU trainer trained a few steps, exported with export_pytorch(); its files'
//   keys, shapes, dtypes and metadata, and numpy's G and D on them against generate_floats and
//   discriminate, to 1e-5. The exported pair also reloads through GanTrainer.create and
//   Generator.load unchanged.
// - import: random generators and discriminators written with numpy and safetensors.numpy,
//   loaded by Generator.load and GanTrainer.create({ weights: { generator, discriminator } }).
// The Python runs in .venv/, which `./build.sh setup` creates; without it these tests fail.
// With TORCH_PYTHON set to a Python that has torch, numpy and safetensors, the docs' classes
// also run in real PyTorch (tests/pytorch/check_torch.py); without it those tests are not defined.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, ROOT, OUTPUT } from './harness.mjs';

const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const CHECK = join(ROOT, 'tests', 'pytorch', 'check_layout.py');
const TORCH_PYTHON = process.env.TORCH_PYTHON;
const CHECK_TORCH = join(ROOT, 'tests', 'pytorch', 'check_torch.py');
const TOLERANCE = 1e-5;
const LATENT = 100;

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

/** Fails (rather than skips) without the venv: the check is part of the suite. */
function requireVenv() {
  if (!existsSync(PYTHON)) {
    assert.fail(`${PYTHON} is missing: run ./build.sh setup, which creates .venv with numpy and safetensors (tests/pytorch/requirements.txt)`);
  }
}

/** Runs a check script; resolves to its `RESULT {json}` line, parsed, whatever its exit code. */
function python(executable, script, args) {
  if (executable === PYTHON) requireVenv();
  return new Promise((resolve, reject) => {
    execFile(executable, [script, ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) {
        const hint = /ModuleNotFoundError/.test(stderr) && executable === PYTHON ? ' (.venv lacks a package: run ./build.sh setup)' : '';
        reject(new Error(`${script} ${args.join(' ')} gave no result${hint} (${error?.message ?? 'exit 0'}):\n${stderr}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}
const check = (...args) => python(PYTHON, CHECK, args);
const checkTorch = (...args) => python(TORCH_PYTHON, CHECK_TORCH, args);

/** Mulberry32 and Box–Muller: the same z on every run. */
function normals(count, seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return Float32Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const base64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const bytes = (text) => Buffer.from(text, 'base64');
const fresh = async (name) => {
  const dir = join(OUTPUT, 'pytorch', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
};

async function page() {
  const opened = await open(browser, `${server.url}/tests/e2e/pytorch.html`);
  await opened.page.waitForFunction(() => window.ready);
  return opened;
}

// WebGAN → PyTorch. `scores`: what discriminate returns (σ(logit) with BCE, the critic's score
// with WGAN-GP; D's errors are relative beyond 1, as its scores grow); `criticNorm`: whether D
// has batch norm (BCE without R1).
const EXPORTS = [
  { name: 'mlp', options: { architecture: 'mlp', depth: 1, learningRate: 2e-3 }, steps: 10, scores: 'probability', criticNorm: false },
  { name: 'mlp-conditional', options: { architecture: 'mlp', depth: 1, conditional: true, learningRate: 2e-3 }, steps: 10, scores: 'probability', criticNorm: false },
  { name: 'mlp-depth-2', options: { architecture: 'mlp', depth: 2, learningRate: 2e-3 }, steps: 10, scores: 'probability', criticNorm: false },
  { name: 'mlp-depth-2-conditional', options: { architecture: 'mlp', depth: 2, conditional: true, learningRate: 2e-3 }, steps: 10, scores: 'probability', criticNorm: false },
  { name: 'dcgan', options: { architecture: 'dcgan', depth: 1, learningRate: 2e-3, r1Penalty: 0 }, steps: 30, scores: 'probability', criticNorm: true },
  // Depth 2: D's third convolution, with batch norm after it, and without (the DCGAN preset).
  { name: 'dcgan-conditional', options: { architecture: 'dcgan', depth: 2, conditional: true, learningRate: 2e-3, r1Penalty: 0 }, steps: 30, scores: 'probability', criticNorm: true },
  { name: 'dcgan-r1', options: { architecture: 'dcgan', depth: 2, r1Penalty: 5, learningRate: 2e-3 }, steps: 30, scores: 'probability', criticNorm: false },
  // Depth 3: G's refine convolution and its batch norm too (the DCGAN preset).
  { name: 'dcgan-depth-3', options: { architecture: 'dcgan', depth: 3, r1Penalty: 5, learningRate: 2e-3 }, steps: 30, scores: 'probability', criticNorm: false },
  {
    name: 'dcgan-conditional-wgan-gp', options: { architecture: 'dcgan', conditional: true, loss: 'wgan-gp', criticSteps: 2, learningRate: 2e-3 },
    steps: 30, scores: 'logit', criticNorm: false,
  },
];

for (const { name, options, steps, scores, criticNorm } of EXPORTS) {
  test(`export_pytorch: ${name} matches numpy's forward passes`, { timeout: 300_000 }, async () => {
    requireVenv();
    const dir = await fresh(`export-${name}`);
    const conditional = Boolean(options.conditional);
    const n = 16;
    const z = normals(n * LATENT, 11);
    const labels = conditional ? Uint8Array.from({ length: n }, (_, i) => i % 10) : null;
    const { page: p, errors } = await page();
    const r = await p.evaluate((a) => window.exportCase(a), { options, steps, z: base64(z), labels: labels && base64(labels) });
    assert.equal(r.latentDim, LATENT);
    await writeFile(join(dir, 'generator.safetensors'), bytes(r.generator));
    await writeFile(join(dir, 'discriminator.safetensors'), bytes(r.discriminator));
    await writeFile(join(dir, 'z.f32'), z);
    if (labels) await writeFile(join(dir, 'labels.u8'), labels);
    await writeFile(join(dir, 'webgan_generated.f32'), bytes(r.generated));
    await writeFile(join(dir, 'images.u8'), bytes(r.images));
    if (r.imageLabels) await writeFile(join(dir, 'image_labels.u8'), bytes(r.imageLabels));
    await writeFile(join(dir, 'webgan_scores.f32'), bytes(r.scores));
    const architecture = options.architecture;
    await writeFile(join(dir, 'case.json'), JSON.stringify({
      architecture, classes: conditional ? 10 : 0, latent_dim: LATENT, critic_norm: criticNorm, scores, depth: options.depth ?? 1,
    }));

    const result = await check('check', dir);
    console.log(`export ${name}: G max error ${result.generator_max_error?.toExponential(2)} (output std ${result.generator_std?.toFixed(3)}), ` +
      `D max error ${result.discriminator_max_error?.toExponential(2)} (${scores}, logits ${result.logit_range?.map((v) => v.toFixed(2)).join('…')}); ` +
      `round trip in WebGAN: trainer ${r.trainerCopy.generated} / ${r.trainerCopy.scores}, Generator.load ${r.loaded.generated}`);
    assert.deepEqual(result.problems, []);
    assert.ok(result.generator_max_error <= TOLERANCE);
    assert.ok(result.discriminator_max_error <= TOLERANCE);
    // Not a flat image: the comparison means something.
    assert.ok(result.generator_std > 0.05, `generated values' std ${result.generator_std}`);

    // Back into WebGAN unchanged: a trainer from the pair, and the generator alone.
    assert.ok(r.trainerCopy.generated <= 1e-6, `GanTrainer.create(pair) generates ${r.trainerCopy.generated} off`);
    assert.ok(r.trainerCopy.scores <= 1e-6, `GanTrainer.create(pair) discriminates ${r.trainerCopy.scores} off`);
    assert.equal(r.loaded.latentDim, LATENT);
    assert.equal(r.loaded.conditional, conditional);
    assert.ok(r.loaded.generated <= 1e-6, `Generator.load(generator) generates ${r.loaded.generated} off`);
    assert.deepEqual(errors, []);
    await p.close();

    if (TORCH_PYTHON) {
      const torch = await checkTorch('export', dir);
      console.log(`  in PyTorch ${torch.torch}: G ${torch.generator_max_error?.toExponential(2)}, D ${torch.discriminator_max_error?.toExponential(2)}`);
      assert.deepEqual(torch.problems, []);
      if (name === 'mlp') {
        const snippet = await checkTorch('snippet', dir);
        assert.deepEqual(snippet.problems, []);
        assert.deepEqual(snippet.snippet_images_shape, [16, 784]);
      }
      if (name === 'mlp-conditional') assert.deepEqual((await checkTorch('roundtrip', dir)).problems, []);
    }
  });
}

// PyTorch → WebGAN: files written by numpy (and, with TORCH_PYTHON, by PyTorch itself).
// `options`: what GanTrainer.create needs to hold the pair (a critic with batch norm, as the
// DCGAN is written here, needs r1Penalty 0: the DCGAN's default R1 critic has none); `scores`
// as above.
const IMPORTS = [
  { name: 'mlp', write: ['--architecture', 'mlp'], options: { depth: 1 }, scores: 'probability' },
  { name: 'mlp-conditional', write: ['--architecture', 'mlp', '--classes', '10'], options: { depth: 1, conditional: true }, scores: 'probability' },
  // Two hidden layers, model.0/2/4: the default MLP's depth.
  { name: 'mlp-depth-2', write: ['--architecture', 'mlp', '--depth', '2'], options: {}, scores: 'probability' },
  { name: 'mlp-depth-2-conditional', write: ['--architecture', 'mlp', '--depth', '2', '--classes', '10'], options: { conditional: true }, scores: 'probability' },
  { name: 'dcgan', write: ['--architecture', 'dcgan'], options: { architecture: 'dcgan', depth: 1, r1Penalty: 0 }, scores: 'probability' },
  // D's third convolution (conv3), without batch norm: the Conditional DCGAN preset's depth.
  { name: 'dcgan-depth-2', write: ['--architecture', 'dcgan', '--depth', '2', '--critic-norm', '0'], options: { architecture: 'dcgan', depth: 2 }, scores: 'probability' },
  // And G's refine convolution with its batch norm: the DCGAN's recommended depth.
  { name: 'dcgan-depth-3', write: ['--architecture', 'dcgan', '--depth', '3', '--critic-norm', '0'], options: { architecture: 'dcgan' }, scores: 'probability' },
  {
    name: 'dcgan-conditional', write: ['--architecture', 'dcgan', '--classes', '10', '--critic-norm', '0'],
    options: { architecture: 'dcgan', conditional: true, loss: 'wgan-gp' }, scores: 'logit',
  },
];

async function loadInWebGan(dir, options, conditional) {
  const read = async (file) => base64(await readFile(join(dir, file)));
  const { page: p, errors } = await page();
  const r = await p.evaluate((a) => window.loadCase(a), {
    options,
    generator: await read('generator.safetensors'),
    discriminator: await read('discriminator.safetensors'),
    z: await read('z.f32'),
    labels: conditional ? await read('labels.u8') : null,
    images: await read('images.u8'),
    imageLabels: conditional ? await read('image_labels.u8') : null,
  });
  assert.equal(r.latentDim, LATENT);
  assert.equal(r.conditional, conditional);
  await writeFile(join(dir, 'webgan_generated.f32'), bytes(r.generated));
  await writeFile(join(dir, 'webgan_trainer_generated.f32'), bytes(r.trainerGenerated));
  await writeFile(join(dir, 'webgan_scores.f32'), bytes(r.scores));
  assert.deepEqual(errors, []);
  await p.close();
}

for (const { name, write, options, scores } of IMPORTS) {
  test(`Generator.load and GanTrainer.create: a numpy-written ${name} gives numpy's outputs`, { timeout: 300_000 }, async () => {
    requireVenv();
    const dir = await fresh(`import-${name}`);
    const written = await check('write', dir, ...write, '--seed', '7');
    assert.deepEqual(written.problems, []);
    await loadInWebGan(dir, options, Boolean(options.conditional));
    const result = await check('compare', dir, '--scores', scores);
    console.log(`import ${name}: Generator.load max error ${result.webgan_generated_max_error?.toExponential(2)}, ` +
      `GanTrainer.create G ${result.webgan_trainer_generated_max_error?.toExponential(2)}, ` +
      `D ${result.discriminator_max_error?.toExponential(2)} (${scores}); output std ${result.generated_std.toFixed(3)}`);
    assert.deepEqual(result.problems, []);
    for (const key of ['webgan_generated_max_error', 'webgan_trainer_generated_max_error', 'discriminator_max_error']) {
      assert.ok(result[key] <= TOLERANCE, `${key} ${result[key]}`);
    }
  });
}

// The PyTorch runs exist only where TORCH_PYTHON names a Python with torch: CI has no torch, and
// registers no test it would have to skip.
if (TORCH_PYTHON) {
  test('PyTorch: the docs\' classes compute what check_layout.py computes', async () => {
    const result = await checkTorch('selftest');
    console.log(`torch ${result.torch} vs numpy: ${JSON.stringify(result.torch_vs_numpy_float64)}`);
    assert.deepEqual(result.problems, []);
  });

  for (const { name, write, options, scores } of IMPORTS) {
    test(`PyTorch: a ${name} trained and saved as the docs say loads into WebGAN`, { timeout: 300_000 }, async () => {
      requireVenv();
      const dir = await fresh(`torch-${name}`);
      const trained = await checkTorch('train', dir, ...write);
      assert.deepEqual(trained.problems, []);
      await loadInWebGan(dir, options, Boolean(options.conditional));
      const result = await check('compare', dir, '--scores', scores);
      console.log(`torch ${name}: Generator.load max error ${result.webgan_generated_max_error?.toExponential(2)}, ` +
        `GanTrainer.create G ${result.webgan_trainer_generated_max_error?.toExponential(2)}, D ${result.discriminator_max_error?.toExponential(2)}`);
      assert.deepEqual(result.problems, []);
    });
  }
}
