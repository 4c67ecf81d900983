// The module worker that owns the wasm module, the GPU device, the datasets and the models.
// Pages send small typed messages (protocol.js); pixels travel back as transferred buffers.
// Every message names a session: the demo page is one, each <webgan-demo> element and
// tutorial widget another, so they share one worker, one wasm module and one download of each
// dataset while keeping their own models and batch orders.
import { Datasets } from './datasets.js';
import { CLASSIFIER_URL, GRID, LATENT, PIXELS } from './protocol.js';
import { normalNoise, seeded } from './random.js';

/**
 * One widget's models: a trainer or a generator, the build it came from (whose Judge scores
 * its samples), its reader of a dataset and the seeded random numbers that pick its batches.
 */
const sessions = new Map();
const session = (id) => {
  if (!sessions.has(id)) {
    sessions.set(id, { trainer: null, generator: null, build: null, data: null, random: Math.random });
  }
  return sessions.get(id);
};
const judges = new Map();
// Its own noise, so scoring never shifts the order of the training batches.
const qualityRandom = seeded(99);

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
 * The build that serves `backend`, and the backend to ask it for. For "auto" the CPU build
 * says whether a hardware adapter is there (`preferredBackend`); only then is the WebGPU build
 * fetched, and it times WebGPU against the CPU itself.
 */
async function buildFor(backend) {
  if (backend === 'webgpu') return { wasm: await load('pkg'), backend };
  const cpu = await load('pkg-cpu');
  if (backend === 'cpu' || (await cpu.preferredBackend()) === 'cpu') return { wasm: cpu, backend: 'cpu' };
  return { wasm: await load('pkg'), backend: 'auto' };
}

/** The bytes at `url`, or an error that names it. */
async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The grid's noise never changes, so the same samples can be watched improving.
const fixedNoise = normalNoise(GRID * LATENT, seeded(2024));

const post = (message, transfer = []) => self.postMessage(message, transfer);

async function createTrainer(s, id, options) {
  const created = performance.now();
  s.trainer?.free();
  s.trainer = null;
  const { wasm, backend } = await buildFor(options.backend ?? 'auto');
  s.trainer = await wasm.GanTrainer.create({ ...options, backend });
  s.build = wasm;
  s.random = seeded(options.seed ?? 42);
  post({ session: id, type: 'ready', backend: s.trainer.backend, adapter: s.trainer.adapter ?? null, ms: performance.now() - created });
  await sendGrid(s, id);
}

const datasets = new Datasets();

/** Points the session at another reader of a dataset, or none, letting go of the old one. */
function setData(s, reader) {
  if (s.data) datasets.release(s.data);
  s.data = reader;
}

/** Gives the session its own reader of `source`, with its own progress and data-error replies. */
async function loadData(s, id, source) {
  const { reader, loaded, follow } = datasets.open(source);
  setData(s, reader);
  const unfollow = follow((progress) => {
    if (s.data === reader) post({ session: id, type: 'progress', ...progress });
  });
  try {
    await loaded;
  } catch (error) {
    if (s.data === reader) setData(s, null);
    post({ session: id, type: 'data-error', message: error.message });
  } finally {
    unfollow();
  }
}

async function sendGrid(s, id) {
  const pixels = await s.trainer.generate(fixedNoise);
  post({ session: id, type: 'grid', pixels }, [pixels.buffer]);
}

const noTrainerYet = (s) => (!s.trainer ? 'no trainer yet'
  : !s.data || s.data.count < s.trainer.batchSize ? 'waiting for data' : null);

async function train(s, id, steps, withGrid) {
  const reason = noTrainerYet(s);
  if (reason) return post({ session: id, type: 'trained', stats: null, reason });
  const images = s.data.batches(steps, s.trainer.batchSize, s.random);
  const started = performance.now();
  const stats = await s.trainer.train_steps(images, steps);
  const ms = performance.now() - started;
  post({ session: id, type: 'trained', stats, steps, ms, epoch: s.data.epoch, complete: s.data.done });
  if (withGrid) await sendGrid(s, id);
}

/** The tutorial's half steps: one D update, or one G update, then D's verdicts. */
async function halfStep(s, id, network) {
  const reason = noTrainerYet(s);
  if (reason) return post({ session: id, type: 'verdict', verdict: null, reason });
  if (network === 'discriminator') {
    await s.trainer.train_discriminator(s.data.batches(1, s.trainer.batchSize, s.random));
  } else if (network === 'generator') {
    await s.trainer.train_generator();
  }
  await verdict(s, id);
}

/** Mean D(x) on a batch of real digits and mean D(G(z)) on the grid's fixed noise. */
async function verdict(s, id) {
  const reason = noTrainerYet(s);
  if (reason) return post({ session: id, type: 'verdict', verdict: null, reason });
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const real = await s.trainer.discriminate(s.data.batches(1, GRID, seeded(7)));
  const pixels = await s.trainer.generate(fixedNoise);
  const fake = await s.trainer.discriminate(pixels);
  post({ session: id, type: 'verdict', verdict: { real: mean(real), fake: mean(fake), scores: Array.from(fake) } });
  post({ session: id, type: 'grid', pixels }, [pixels.buffer]);
}

/** A few real digits from the session's dataset, for showing next to generated ones. */
async function realDigits(s, id, n) {
  if (!s.data || s.data.count < n) return post({ session: id, type: 'real', pixels: null, reason: 'waiting for data' });
  const pixels = s.data.batches(1, n, seeded(3));
  post({ session: id, type: 'real', pixels }, [pixels.buffer]);
}

/** The trainer's weight tensors and parameter counts, as the model holds them (no readback). */
function describe(s, id) {
  if (!s.trainer) return post({ session: id, type: 'layers', layers: null, reason: 'no trainer yet' });
  // G's tensors, then D's; each network's by name, as the table has always listed them.
  const network = ({ name }) => (name.startsWith('discriminator.') ? 1 : 0);
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const layers = s.trainer.layers().sort((a, b) => network(a) - network(b) || byName(a, b));
  post({ session: id, type: 'layers', layers });
}

async function loadGenerator(s, id, url, backend) {
  const bytes = await download(url);
  const created = performance.now();
  const build = await buildFor(backend);
  s.generator?.free();
  s.generator = await build.wasm.Generator.load(bytes, { backend: build.backend });
  s.build = build.wasm;
  post({ session: id, type: 'generator-ready', backend: s.generator.backend, adapter: s.generator.adapter ?? null, ms: performance.now() - created });
}

async function samples(s, id, n, seed) {
  const noise = normalNoise(n * LATENT, seeded(seed));
  const pixels = await s.generator.generate(noise);
  post({ session: id, type: 'samples', pixels }, [pixels.buffer]);
}

/** The digit classifier in `build`, loaded once per build. */
async function judgeFor(build) {
  if (!judges.has(build)) judges.set(build, build.Judge.load(await download(CLASSIFIER_URL)));
  return judges.get(build);
}

/** The classifier's verdict on `n` fresh samples of the session's trainer or generator. */
async function quality(s, id, n) {
  const model = s.trainer ?? s.generator;
  if (!model) return post({ session: id, type: 'quality', result: null });
  const judge = await judgeFor(s.build);
  const started = performance.now();
  const pixels = await model.generate(normalNoise(n * LATENT, qualityRandom));
  const { histogram, score, fd } = await judge.score(pixels);
  const ms = performance.now() - started;
  post({ session: id, type: 'quality', result: { histogram, score, fd, reference: judge.reference, samples: n, ms } });
}

/** How many of the given digits the classifier reads as each of 0–9: a grid's text alternative. */
async function classify(s, id, pixels) {
  if (!s.build) throw new Error('classify: no trainer or generator yet');
  const { histogram } = await (await judgeFor(s.build)).score(pixels);
  const n = pixels.length / PIXELS;
  post({ session: id, type: 'classes', counts: Array.from(histogram, (h) => Math.round(h * n)) });
}

function close(id) {
  const s = sessions.get(id);
  s?.trainer?.free();
  s?.generator?.free();
  if (s) setData(s, null);
  sessions.delete(id);
}

// The download runs beside the queue, so training starts as soon as a batch has arrived.
const handlers = {
  'train-init': (s, id, { options, source }) => {
    loadData(s, id, source);
    return createTrainer(s, id, options);
  },
  'load-data': (s, id, { source }) => { loadData(s, id, source); },
  reset: (s, id, { options }) => createTrainer(s, id, options),
  train: (s, id, { steps, grid }) => train(s, id, steps, grid),
  'half-step': (s, id, { network }) => halfStep(s, id, network),
  verdict: (s, id) => verdict(s, id),
  real: (s, id, { n }) => realDigits(s, id, n),
  describe: (s, id) => describe(s, id),
  'generator-init': (s, id, { url, backend }) => loadGenerator(s, id, url, backend),
  samples: (s, id, { n, seed }) => samples(s, id, n, seed),
  quality: (s, id, { n }) => quality(s, id, n),
  classify: (s, id, { pixels }) => classify(s, id, pixels),
  close: (s, id) => close(id),
};

// Messages are handled one at a time, in order, so no two touch the models at once.
let queue = Promise.resolve();
self.onmessage = ({ data: message }) => {
  const id = message.session;
  queue = queue.then(async () => {
    await handlers[message.type](session(id), id, message);
  }).catch((error) => post({ session: id, type: 'error', about: message.type, message: error.message ?? String(error) }));
};
