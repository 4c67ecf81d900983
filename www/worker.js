// The module worker that owns the wasm module, the GPU device, the dataset and the models.
// The page sends small typed messages; pixels travel back as transferred buffers.
import init, { GanTrainer, Generator } from './pkg/webgan.js';
import { MnistStream } from './mnist_stream.js';

const GRID = 64;
const LATENT = 100;

let trainer = null;
let generator = null;
let data = null;
let fixedNoise = null;
let random = Math.random;

const ready = init();

/** Mulberry32: seeded floats in [0, 1). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` × 100 standard normal values (Box–Muller). */
function normalNoise(n, rand) {
  const out = new Float32Array(n * LATENT);
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rand()));
    const angle = 2 * Math.PI * rand();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

const post = (message, transfer = []) => self.postMessage(message, transfer);

async function createTrainer(options) {
  const created = performance.now();
  trainer?.free();
  trainer = null;
  trainer = await GanTrainer.create(options);
  random = seeded(options.seed ?? 42);
  fixedNoise = normalNoise(GRID, seeded(2024));
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
  const pixels = await (trainer ?? generator).generate(fixedNoise);
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
  generator = await Generator.load(bytes, { backend });
  post({ type: 'generator-ready', backend: generator.backend, adapter: generator.adapter ?? null, ms: performance.now() - created });
}

async function samples(n, seed) {
  const noise = normalNoise(n, seeded(seed));
  const pixels = await generator.generate(noise);
  post({ type: 'samples', pixels }, [pixels.buffer]);
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
};

// Messages are handled one at a time, in order, so no two touch the models at once.
let queue = Promise.resolve();
self.onmessage = ({ data: message }) => {
  queue = queue.then(async () => {
    await ready;
    await handlers[message.type](message);
  }).catch((error) => post({ type: 'error', about: message.type, message: error.message ?? String(error) }));
};
