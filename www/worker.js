// The module worker that owns the wasm module, the GPU device, the dataset and the models.
// The page sends small typed messages; pixels travel back as transferred buffers.
import { MnistStream } from './mnist_stream.js';
import { normalNoise, seeded } from './random.js';

const GRID = 64;
const LATENT = 100;

let trainer = null;
let generator = null;
// The build the current trainer or generator came from; its Judge scores their samples.
let activeBuild = null;
const judges = new Map();
const JUDGE_WEIGHTS = 'weights/classifier.safetensors';
// Its own noise, so scoring never shifts the order of the training batches.
const qualityRandom = seeded(99);
let data = null;
let random = Math.random;

// Two builds of the wasm: pkg-cpu (0.4 MB gzipped, the CPU backend) and pkg (3.1 MB, adds
// WebGPU). Each is fetched and instantiated once, on first use.
const builds = new Map();
const load = (name) => {
  if (!builds.has(name)) {
    builds.set(name, import(`./${name}/webgan.js`).then(async (wasm) => { await wasm.default(); return wasm; }));
  }
  return builds.get(name);
};

/**
 * The build that serves `backend`, and the backend to ask it for. "auto" fetches the WebGPU
 * build only for a hardware adapter, where that build times WebGPU against the CPU itself.
 */
async function buildFor(backend) {
  if (backend === 'webgpu') return { wasm: await load('pkg'), backend };
  const cpu = await load('pkg-cpu');
  if (backend === 'cpu') return { wasm: cpu, backend };
  try {
    const probe = await cpu.probeWebGpu();
    if (!probe.software) return { wasm: await load('pkg'), backend: 'auto' };
    console.info(`WebGAN: using the CPU backend; WebGPU adapter '${probe.adapter}' is a software rasteriser`);
  } catch (error) {
    console.info(`WebGAN: using the CPU backend; ${error.message}`);
  }
  return { wasm: cpu, backend: 'cpu' };
}
// The grid's noise never changes, so the same samples can be watched improving.
const fixedNoise = normalNoise(GRID * LATENT, seeded(2024));

const post = (message, transfer = []) => self.postMessage(message, transfer);

async function createTrainer(options) {
  const created = performance.now();
  trainer?.free();
  trainer = null;
  const { wasm, backend } = await buildFor(options.backend ?? 'auto');
  trainer = await wasm.GanTrainer.create({ ...options, backend });
  activeBuild = wasm;
  random = seeded(options.seed ?? 42);
  post({ type: 'ready', backend: trainer.backend, adapter: trainer.adapter ?? null, ms: performance.now() - created });
  await sendGrid();
}

async function loadData(source) {
  const stream = new MnistStream();
  data = stream;
  try {
    await stream.load(source, (progress) => {
      if (data === stream) post({ type: 'progress', ...progress });
    });
  } catch (error) {
    if (data === stream) data = null;
    post({ type: 'data-error', message: error.message });
  }
}

async function sendGrid() {
  const pixels = await trainer.generate(fixedNoise);
  post({ type: 'grid', pixels }, [pixels.buffer]);
}

async function train(steps, withGrid) {
  if (!trainer) return post({ type: 'trained', stats: null, reason: 'no trainer yet' });
  if (!data || data.count < trainer.batchSize) {
    return post({ type: 'trained', stats: null, reason: 'waiting for data' });
  }
  const images = data.batches(steps, trainer.batchSize, random);
  const started = performance.now();
  const stats = await trainer.train_steps(images, steps);
  const ms = performance.now() - started;
  post({ type: 'trained', stats, steps, ms, epoch: data.epoch, complete: data.done });
  if (withGrid) await sendGrid();
}

async function loadGenerator(url, backend) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const created = performance.now();
  const build = await buildFor(backend);
  generator = await build.wasm.Generator.load(bytes, { backend: build.backend });
  activeBuild = build.wasm;
  post({ type: 'generator-ready', backend: generator.backend, adapter: generator.adapter ?? null, ms: performance.now() - created });
}

async function samples(n, seed) {
  const noise = normalNoise(n * LATENT, seeded(seed));
  const pixels = await generator.generate(noise);
  post({ type: 'samples', pixels }, [pixels.buffer]);
}

/** The classifier's verdict on `n` fresh samples of the current trainer or generator. */
async function quality(n) {
  const model = trainer ?? generator;
  if (!model) return post({ type: 'quality', result: null });
  if (!judges.has(activeBuild)) {
    const response = await fetch(JUDGE_WEIGHTS);
    if (!response.ok) throw new Error(`could not download ${JUDGE_WEIGHTS}: HTTP ${response.status}`);
    judges.set(activeBuild, activeBuild.Judge.load(new Uint8Array(await response.arrayBuffer())));
  }
  const judge = judges.get(activeBuild);
  const started = performance.now();
  const pixels = await model.generate(normalNoise(n * LATENT, qualityRandom));
  const { histogram, score, fd } = await judge.score(pixels);
  const ms = performance.now() - started;
  post({ type: 'quality', result: { histogram, score, fd, reference: judge.reference, samples: n, ms } });
}

// The download runs beside the queue, so training starts as soon as a batch has arrived.
const handlers = {
  'train-init': ({ options, source }) => {
    loadData(source);
    return createTrainer(options);
  },
  'load-data': ({ source }) => { loadData(source); },
  reset: ({ options }) => createTrainer(options),
  train: ({ steps, grid }) => train(steps, grid),
  'generator-init': ({ url, backend }) => loadGenerator(url, backend),
  samples: ({ n, seed }) => samples(n, seed),
  quality: ({ n }) => quality(n),
};

// Messages are handled one at a time, in order, so no two touch the models at once.
let queue = Promise.resolve();
self.onmessage = ({ data: message }) => {
  queue = queue.then(async () => {
    await handlers[message.type](message);
  }).catch((error) => post({ type: 'error', about: message.type, message: error.message ?? String(error) }));
};
