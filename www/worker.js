// The module worker that owns the wasm module, the GPU device, the dataset and the models.
// The page sends small typed messages; pixels travel back as transferred buffers.
import { MnistStream } from './mnist_stream.js';
import { normalNoise, seeded } from './random.js';

const GRID = 64;
const LATENT = 100;

let trainer = null;
let generator = null;
let data = null;
let random = Math.random;

// `?build=cpu`: the CPU-only wasm (www/pkg-cpu), a third of the download, for generate mode.
const build = new URL(self.location.href).searchParams.get('build') === 'cpu' ? 'pkg-cpu' : 'pkg';
let GanTrainer;
let Generator;
const ready = import(`./${build}/webgan.js`).then(async (wasm) => {
  await wasm.default();
  ({ GanTrainer, Generator } = wasm);
});
// The grid's noise never changes, so the same samples can be watched improving.
const fixedNoise = normalNoise(GRID * LATENT, seeded(2024));

const post = (message, transfer = []) => self.postMessage(message, transfer);

async function createTrainer(options) {
  const created = performance.now();
  trainer?.free();
  trainer = null;
  trainer = await GanTrainer.create(options);
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
  generator = await Generator.load(bytes, { backend });
  post({ type: 'generator-ready', backend: generator.backend, adapter: generator.adapter ?? null, ms: performance.now() - created });
}

async function samples(n, seed) {
  const noise = normalNoise(n * LATENT, seeded(seed));
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
