// The module worker that owns the wasm module, the GPU device, the datasets and the models.
// Pages send small typed messages (protocol.js); pixels travel back as transferred buffers.
// Every message names a session: the demo page is one, each <webgan-demo> element and
// tutorial widget another, so they share one worker, one wasm module and one download of each
// dataset while keeping their own models and batch orders.
import { Datasets } from './datasets.js';
import { nudged, NUDGES } from './mnist_preprocess.js';
import { CLASSES, CONDITIONAL_GRID_ROWS, DATASETS, DISCRIMINATOR_URL, GRID, LATENT, PIXELS, builtInDataset } from './protocol.js';
import { normalNoise, seeded } from './random.js';

/**
 * One widget's models: a trainer or a generator, the build it came from (whose Judge scores
 * its samples), its reader of a dataset, the dataset's labels (once they have arrived), the
 * built-in dataset whose classifier judges it (null: the reader's own images, judged as digits)
 * and the seeded random numbers that pick its batches.
 */
const sessions = new Map();
const session = (id) => {
  if (!sessions.has(id)) {
    sessions.set(id, {
      trainer: null, architecture: null, generator: null, build: null, data: null, labelsSource: null, labels: null, dataset: null,
      random: Math.random,
    });
  }
  return sessions.get(id);
};
const judges = new Map();

// Every GPU device the wasm asks for is watched: when one is lost (a driver reset, the browser
// reclaiming a background tab's GPU, or destroy()), each session whose model ran on it is told
// (`gpu-lost`) and left without it, and requests stuck behind a GPU that will never answer are
// abandoned. The page resumes its last recovery point on the CPU.
const devices = new Set();
if (self.GPUAdapter) {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    devices.add(device);
    device.lost.then((info) => deviceLost(device, info));
    return device;
  };
}

function deviceLost(device, info) {
  devices.delete(device);
  const why = info.message || info.reason || 'the device was lost';
  for (const [id, s] of sessions) {
    const onGpu = s.trainer?.backend === 'webgpu' || s.generator?.backend === 'webgpu';
    if (!onGpu) continue;
    // Not freed: freeing touches the dead device.
    if (s.trainer?.backend === 'webgpu') s.trainer = null;
    if (s.generator?.backend === 'webgpu') s.generator = null;
    s.gpuLosses = (s.gpuLosses ?? 0) + 1;
    post({ session: id, type: 'gpu-lost', message: why });
  }
  queue = Promise.resolve();
}
// Its own noise, so scoring never shifts the order of the training batches.
const qualityRandom = seeded(99);

// Two builds of the wasm: pkg-cpu (0.6 MB gzipped, the CPU backend) and pkg (3.5 MB, adds
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

/**
 * A new trainer for the session: from `options`, or resumed from `checkpoint` bytes (then with
 * the checkpoint's settings, its batch order and its reader's place in the dataset). The old
 * trainer is freed only once the new one exists, so a bad checkpoint leaves the session as it was.
 */
async function createTrainer(s, id, options, checkpoint) {
  const created = performance.now();
  const { wasm, backend } = await buildFor(options?.backend ?? 'auto');
  let trainer;
  let resumed = null;
  if (checkpoint) {
    const bytes = checkpointBytes(checkpoint);
    const info = wasm.GanTrainer.checkpoint_info(bytes); // a clear Error for a bad file, before anything changes
    // The learning rates alone may be given anew (a rollback after divergence).
    const rates = Object.fromEntries(['learningRate', 'discriminatorLearningRate']
      .filter((key) => options?.[key] !== undefined).map((key) => [key, options[key]]));
    trainer = await wasm.GanTrainer.create({ checkpoint: bytes, backend, ...rates });
    info.options = { ...info.options, ...rates };
    resumed = { info, saved: parseAnnotation(info.annotation) };
  } else {
    trainer = await wasm.GanTrainer.create({ ...options, backend });
  }
  s.trainer?.free();
  s.trainer = trainer;
  s.architecture = (resumed ? resumed.info.architecture : options.architecture) ?? 'mlp';
  s.loss = (resumed ? resumed.info.loss : options.loss) ?? 'bce';
  s.build = wasm;
  s.random = seeded((resumed ? resumed.info.seed : options.seed) ?? 42);
  const order = resumed ? restoreOrder(s, resumed.saved) : false;
  post({
    session: id, type: 'ready', ...describeModel(trainer), architecture: s.architecture, step: trainer.step ?? 0,
    resumed: resumed && { ...checkpointSummary(resumed.info), order, page: resumed.saved?.page ?? null },
    ms: performance.now() - created,
  });
  if (trainer.conditional && !s.labelsSource) post({ session: id, type: 'data-error', message: NO_LABELS });
  await sendGrid(s, id);
}

/** Checkpoint bytes as the wasm takes them, or an Error that says what was sent instead. */
function checkpointBytes(checkpoint) {
  if (checkpoint instanceof Uint8Array) return checkpoint;
  if (checkpoint instanceof ArrayBuffer) return new Uint8Array(checkpoint);
  throw new Error(`a checkpoint must be the bytes of a .safetensors file (a Uint8Array), got ${Object.prototype.toString.call(checkpoint)}`);
}

/** What `ready` says about a resumed checkpoint (its annotation aside). */
const checkpointSummary = ({ version, step, architecture, loss, conditional, batchSize, seed, options }) => ({
  version, step, architecture, loss, conditional, batchSize, seed, options,
});

// The worker's part of a checkpoint's annotation (a JSON string inside the file): the batch
// order's random state and the reader's place in the dataset, beside the page's own part.
const ANNOTATION = 'webgan-page-state';
const ANNOTATION_VERSION = 1;

/** The annotation of a checkpoint of session `s`, holding `page` (any JSON value) for the page. */
function annotationOf(s, page) {
  const reader = s.data ? s.data.saveState() : null;
  return JSON.stringify({ format: ANNOTATION, version: ANNOTATION_VERSION, random: s.random.state, reader, page: page ?? null });
}

/** The worker's and the page's parts of an annotation; null for none, or for one of another kind. */
function parseAnnotation(text) {
  if (typeof text !== 'string') return null;
  try {
    const saved = JSON.parse(text);
    return saved?.format === ANNOTATION && saved.version === ANNOTATION_VERSION ? saved : null;
  } catch {
    return null;
  }
}

/**
 * Continues the session's batch order where the checkpoint left it: its random numbers and its
 * reader's place. False (a fresh order from the checkpoint's seed) where the annotation has none.
 */
function restoreOrder(s, saved) {
  if (!saved || !Number.isInteger(saved.random)) return false;
  try {
    const random = seeded(0);
    random.state = saved.random;
    if (saved.reader && s.data) s.data.restoreState(saved.reader);
    s.random = random;
    return true;
  } catch {
    return false;
  }
}

/** The session's trainer as checkpoint bytes, with the page's `page` state inside. */
async function checkpoint(s, id, page) {
  if (!s.trainer) throw new Error('no trainer to save yet');
  const bytes = owned(await s.trainer.export_checkpoint(annotationOf(s, page)));
  post({ session: id, type: 'checkpoint', bytes, step: s.trainer.step, architecture: s.architecture, savedAt: Date.now() }, [bytes.buffer]);
}

/** The generator of the session's trainer alone, as `Generator.load` opens it. */
async function exportGenerator(s, id) {
  if (!s.trainer) throw new Error('no trainer to take the generator from yet');
  const bytes = owned(await s.trainer.export_generator());
  post({
    session: id, type: 'generator-bytes', bytes, step: s.trainer.step, architecture: s.architecture, ...describeModel(s.trainer),
  }, [bytes.buffer]);
}

/** `bytes` in a buffer of their own, so that transferring it moves nothing else. */
const owned = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());

const NO_LABELS = 'conditional training needs the labels of the digits, and this dataset has no labels file: '
  + 'give its IDX labels file, or choose a preset that is not conditional';

/** What `ready` and `generator-ready` say about a model. */
const describeModel = (model) => ({
  backend: model.backend, adapter: model.adapter ?? null, latentDim: model.latentDim, conditional: model.conditional,
});

const datasets = new Datasets();

/** Points the session at another reader of a dataset, or none, letting go of the old one. */
function setData(s, reader) {
  if (s.data) datasets.release(s.data);
  s.data = reader;
}

/**
 * Gives the session its own reader of `source`, with its own progress and data-error replies,
 * and the labels at `labelsSource` (or none) beside it.
 */
async function loadData(s, id, source, labelsSource = null) {
  const { reader, loaded, follow } = datasets.open(source);
  setData(s, reader);
  s.dataset = builtInDataset(source, self.location.href);
  loadLabels(s, id, reader, loaded, labelsSource);
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

/** The labels at `labelsSource` for the session's reader `reader`, checked against its images. */
async function loadLabels(s, id, reader, loaded, labelsSource) {
  s.labelsSource = labelsSource;
  s.labels = null;
  if (!labelsSource) return;
  try {
    const labels = await datasets.labels(labelsSource);
    await loaded.catch(() => {});
    if (s.data !== reader || s.labelsSource !== labelsSource) return;
    if (reader.done && labels.length !== reader.stream.total) {
      throw new Error(`the labels file holds ${labels.length} labels for ${reader.stream.total} images`);
    }
    s.labels = labels;
  } catch (error) {
    if (s.labelsSource === labelsSource) post({ session: id, type: 'data-error', message: `labels: ${error.message}` });
  }
}

// A conditional grid: row r draws the digits 0–9 from the same noise, so a row is one style.
const conditionalGrid = {
  noise: Float32Array.from({ length: CONDITIONAL_GRID_ROWS * CLASSES * LATENT },
    (_, i) => fixedNoise[Math.floor(i / (CLASSES * LATENT)) * LATENT + (i % LATENT)]),
  labels: Uint8Array.from({ length: CONDITIONAL_GRID_ROWS * CLASSES }, (_, i) => i % CLASSES),
};

/** The grid's noise and labels for the session's trainer, and its digits per row. */
const gridOf = (trainer) => (trainer.conditional
  ? { ...conditionalGrid, columns: CLASSES }
  : { noise: fixedNoise, labels: null, columns: 8 });

async function sendGrid(s, id) {
  const { noise, labels, columns } = gridOf(s.trainer);
  const pixels = await s.trainer.generate(noise, labels);
  post({ session: id, type: 'grid', pixels, columns }, [pixels.buffer]);
}

const noTrainerYet = (s) => (!s.trainer ? 'no trainer yet'
  : !s.data || s.data.count < s.trainer.batchSize || s.data.waiting ? 'waiting for data'
  : s.trainer.conditional && !s.labels ? 'waiting for labels' : null);

/** `steps` batches for the session's trainer, with their labels when it is conditional. */
const batchesFor = (s, steps, size = s.trainer.batchSize, random = s.random) =>
  s.data.labelledBatches(steps, size, random, s.trainer.conditional ? s.labels : null);

async function train(s, id, steps, withGrid) {
  const reason = noTrainerYet(s);
  if (reason) return post({ session: id, type: 'trained', stats: null, reason });
  const { images, labels } = batchesFor(s, steps);
  const started = performance.now();
  const stats = await s.trainer.train_steps(images, labels, steps);
  const ms = performance.now() - started;
  post({ session: id, type: 'trained', stats, steps, ms, epoch: s.data.epoch, complete: s.data.done });
  if (withGrid) await sendGrid(s, id);
}

/** The tutorial's half steps: one D update, or one G update, then D's verdicts. */
async function halfStep(s, id, network) {
  const reason = noTrainerYet(s);
  if (reason) return post({ session: id, type: 'verdict', verdict: null, reason });
  if (network === 'discriminator') {
    const { images, labels } = batchesFor(s, 1);
    await s.trainer.train_discriminator(images, labels);
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
  const batch = batchesFor(s, 1, GRID, seeded(7));
  const real = await s.trainer.discriminate(batch.images, batch.labels);
  const { noise, labels, columns } = gridOf(s.trainer);
  const pixels = await s.trainer.generate(noise, labels);
  const fake = await s.trainer.discriminate(pixels, labels);
  post({ session: id, type: 'verdict', verdict: { real: mean(real), fake: mean(fake), scores: Array.from(fake) } });
  post({ session: id, type: 'grid', pixels, columns }, [pixels.buffer]);
}

/** A few real digits from the session's dataset, for showing next to generated ones. */
async function realDigits(s, id, n) {
  if (!s.data || s.data.count < n || s.data.waiting) return post({ session: id, type: 'real', pixels: null, reason: 'waiting for data' });
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

/**
 * A pretrained generator for the session, from a URL or from bytes; the old one is freed only
 * once the new one has loaded, so a bad file leaves the session as it was.
 */
async function loadGenerator(s, id, { url, bytes, backend, dataset = 'mnist' }) {
  if (bytes !== undefined && !(bytes instanceof Uint8Array)) {
    throw new Error(`the generator must be the bytes of a .safetensors file (a Uint8Array), got ${Object.prototype.toString.call(bytes)}`);
  }
  if (!Object.hasOwn(DATASETS, dataset)) {
    throw new Error(`dataset: '${dataset}' is not a built-in dataset; expected ${Object.keys(DATASETS).map((d) => `'${d}'`).join(' or ')}`);
  }
  const weights = bytes ?? await download(url);
  const created = performance.now();
  const build = await buildFor(backend);
  const generator = await build.wasm.Generator.load(weights, { backend: build.backend });
  s.generator?.free();
  s.generator = generator;
  s.build = build.wasm;
  s.dataset = dataset;
  post({ session: id, type: 'generator-ready', ...describeModel(s.generator), ms: performance.now() - created });
}

/** The session's model that samples come from: its generator, or its trainer's G. */
function modelOf(s, about) {
  const model = s.generator ?? s.trainer;
  if (!model) throw new Error(`${about}: no trainer or generator yet`);
  return model;
}

/** Each of `n` samples' digit for a conditional model, 0, 1, …, 9, 0, …; null otherwise. */
const everyDigit = (model, n) => (model.conditional ? Uint8Array.from({ length: n }, (_, i) => i % CLASSES) : null);

/** Digits from given noise, or `n` fresh ones from `seed`, with the noise and labels used. */
async function samples(s, id, { n, seed, noise, labels }) {
  const model = modelOf(s, 'samples');
  noise ??= normalNoise(n * model.latentDim, seeded(seed));
  labels ??= everyDigit(model, noise.length / model.latentDim);
  const pixels = await model.generate(noise, labels);
  post({ session: id, type: 'samples', pixels, noise, labels }, [pixels.buffer]);
}

/** The latent explorer's slider directions around one z. */
async function directions(s, id, { z, label, count }) {
  const found = await modelOf(s, 'directions').directions(z, label, count);
  post({ session: id, type: 'directions', directions: found.directions, strengths: found.strengths });
}

/** The classifier of the session's dataset (of digits for the reader's own), loaded once per build. */
const judgeFor = (s) => judgeOf(s.build, DATASETS[s.dataset ?? 'mnist'].classifier);

/** The classifier at `url` in the build `build`, loaded once. */
function judgeOf(build, url) {
  if (!judges.has(build)) judges.set(build, new Map());
  const loaded = judges.get(build);
  if (!loaded.has(url)) {
    const judge = download(url).then((bytes) => build.Judge.load(bytes));
    loaded.set(url, judge);
    judge.catch(() => loaded.delete(url)); // a failed download is tried again next time
  }
  return loaded.get(url);
}

/** The classifier's verdict on `n` fresh samples of the session's trainer or generator. */
async function quality(s, id, n) {
  const model = s.trainer ?? s.generator;
  if (!model) return post({ session: id, type: 'quality', result: null });
  const judge = await judgeFor(s);
  const started = performance.now();
  const labels = everyDigit(model, n);
  const pixels = await model.generate(normalNoise(n * model.latentDim, qualityRandom), labels);
  const { histogram, score, fd, agreement } = await judge.score(pixels, labels);
  const ms = performance.now() - started;
  const result = { histogram, score, fd, agreement, reference: judge.reference, samples: n, ms, dataset: s.dataset ?? 'mnist' };
  post({ session: id, type: 'quality', result });
}

/** What the classifier reads in the given digits: each one's digit, and how many of each. */
async function classify(s, id, pixels) {
  if (!s.build) throw new Error('classify: no trainer or generator yet');
  const digits = await (await judgeFor(s)).classify(pixels);
  const counts = Array.from({ length: CLASSES }, (_, digit) => digits.filter((d) => d === digit).length);
  post({ session: id, type: 'classes', counts, digits, dataset: s.dataset ?? 'mnist' });
}

/**
 * The shipped discriminator, loaded once, on the CPU build: a trainer made from its file and
 * a placeholder generator (a fresh MLP's, in the same layout), since a trainer holds both
 * networks. Only its D is ever used.
 */
let shippedD = null;
function shippedDiscriminator() {
  shippedD ??= (async () => {
    const wasm = await load('pkg-cpu');
    const discriminator = await download(DISCRIMINATOR_URL);
    // The shipped D is the classic MLP's, one hidden layer deep.
    const classic = { backend: 'cpu', architecture: 'mlp', depth: 1 };
    const placeholder = await wasm.GanTrainer.create(classic);
    const { generator } = await placeholder.export_pytorch();
    placeholder.free();
    return wasm.GanTrainer.create({ ...classic, weights: { generator, discriminator } });
  })();
  shippedD.catch(() => { shippedD = null; }); // tried again next time
  return shippedD;
}

/** The digits a `discriminate` request is about: those sent, or the one it picks; or why none. */
async function digitsToJudge(s, { images, pick, seed = 0 }) {
  if (images !== undefined) {
    if (pick !== undefined) throw new Error('discriminate: give images or pick, not both');
    if (!(images instanceof Uint8Array)) {
      throw new Error(`discriminate: images must be a Uint8Array of grey bytes, got ${Object.prototype.toString.call(images)}`);
    }
    if (!images.length || images.length % PIXELS) {
      throw new Error(`discriminate: images holds ${images.length} bytes, not a whole number (1 or more) of ${PIXELS}-pixel digits`);
    }
    return { images };
  }
  if (!Number.isInteger(seed)) throw new Error(`discriminate: seed must be a whole number, got ${seed}`);
  if (pick === 'real') {
    if (!s.data || s.data.count < 1 || s.data.waiting) return { reason: 'waiting for data' };
    return { images: s.data.batches(1, 1, seeded(seed)) };
  }
  if (pick === 'generated') {
    if (!s.trainer) return { reason: 'no trainer yet' };
    const labels = s.trainer.conditional ? Uint8Array.of(Math.abs(seed) % CLASSES) : null;
    return { images: await s.trainer.generate(normalNoise(s.trainer.latentDim, seeded(seed)), labels) };
  }
  throw new Error(`discriminate: give images (a Uint8Array) or pick: 'real' or 'generated', got pick ${JSON.stringify(pick)}`);
}

/**
 * "Can you fool D?": the session's D or the shipped one on the given or picked digits, and what
 * the classifier of the D's dataset reads in them (the session's dataset, or the digits for the
 * shipped D), with how many of their nudged copies it reads alike.
 */
async function discriminate(s, id, message) {
  const { d } = message;
  if (d !== 'session' && d !== 'shipped') throw new Error(`discriminate: d must be 'session' or 'shipped', got ${JSON.stringify(d)}`);
  const { images, reason } = await digitsToJudge(s, message);
  const none = (why) => post({ session: id, type: 'discrimination', d, images: null, scores: null, readings: null, reason: why });
  if (reason) return none(reason);
  if (d === 'session' && !s.trainer) return none('no trainer yet');
  const trainer = d === 'session' ? s.trainer : await shippedDiscriminator();
  const dataset = d === 'session' ? s.dataset ?? 'mnist' : 'mnist';
  const judge = await judgeOf(await load('pkg-cpu'), DATASETS[dataset].classifier);
  const copies = await judge.classify(nudged(images));
  const of = NUDGES.length;
  const middle = NUDGES.findIndex(([dx, dy]) => dx === 0 && dy === 0);
  const readings = Array.from({ length: images.length / PIXELS }, (_, k) => {
    const read = copies.subarray(k * of, (k + 1) * of);
    return { digit: read[middle], agree: read.filter((digit) => digit === read[middle]).length, of };
  });
  const labels = trainer.conditional ? Uint8Array.from(readings, (r) => r.digit) : null;
  const scores = Array.from(await trainer.discriminate(images, labels));
  const loss = d === 'session' ? s.loss ?? 'bce' : 'bce';
  post({ session: id, type: 'discrimination', d, images, scores, loss, readings, dataset }, [images.buffer]);
}

/**
 * Test-only faults (`test-fault`), for the end-to-end tests of what the page does when things
 * go wrong. 'diverge' swaps the session's trainer for its own checkpoint with D's first layer
 * at 3e38, so that the next step overflows to NaN and train_step's divergence check fires, as
 * it would for a run that diverged by itself. 'throw' throws outside any request, as a crashed
 * worker does: the page gets the worker's `error` event. 'trap' fails the request with the
 * WebAssembly.RuntimeError a panic or exhausted memory raises. 'lose-gpu' destroys every GPU
 * device, as a driver reset does.
 */
async function testFault(s, fault) {
  // What a Rust panic or an exhausted memory surfaces as, inside a request.
  if (fault === 'trap') throw new WebAssembly.RuntimeError('unreachable (test fault: a trap)');
  if (fault === 'throw') {
    setTimeout(() => { throw new Error('test fault: the worker threw'); });
    return;
  }
  if (fault === 'lose-gpu') {
    if (!devices.size) throw new Error('test-fault: no GPU device to lose');
    for (const device of devices) device.destroy();
    return;
  }
  if (fault !== 'diverge' || !s.trainer) throw new Error(`test-fault: unknown fault ${fault}, or no trainer`);
  const { overflowing } = await import('./test_faults.js');
  const bytes = overflowing((await s.trainer.export_checkpoint()).slice());
  const poisoned = await s.build.GanTrainer.create({ checkpoint: bytes, backend: s.trainer.backend });
  s.trainer.free();
  s.trainer = poisoned;
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
  'train-init': (s, id, { options, checkpoint, source, labels }) => {
    loadData(s, id, source, labels);
    return createTrainer(s, id, options, checkpoint);
  },
  'load-data': (s, id, { source, labels }) => { loadData(s, id, source, labels); },
  reset: (s, id, { options, checkpoint }) => createTrainer(s, id, options, checkpoint),
  checkpoint: (s, id, { page }) => checkpoint(s, id, page),
  'export-generator': (s, id) => exportGenerator(s, id),
  train: (s, id, { steps, grid }) => train(s, id, steps, grid),
  'half-step': (s, id, { network }) => halfStep(s, id, network),
  verdict: (s, id) => verdict(s, id),
  real: (s, id, { n }) => realDigits(s, id, n),
  describe: (s, id) => describe(s, id),
  'generator-init': (s, id, message) => loadGenerator(s, id, message),
  samples: (s, id, message) => samples(s, id, message),
  directions: (s, id, message) => directions(s, id, message),
  quality: (s, id, { n }) => quality(s, id, n),
  classify: (s, id, { pixels }) => classify(s, id, pixels),
  discriminate: (s, id, message) => discriminate(s, id, message),
  close: (s, id) => close(id),
  'test-fault': (s, id, { fault }) => testFault(s, fault),
};

// Messages are handled one at a time, in order, so no two touch the models at once.
let queue = Promise.resolve();
self.onmessage = ({ data: message }) => {
  const id = message.session;
  let gpuLosses;
  queue = queue.then(async () => {
    gpuLosses = session(id).gpuLosses;
    await handlers[message.type](session(id), id, message);
  // A request that failed because the session's GPU was lost while it ran: `gpu-lost` said so.
  }).catch((error) => sessions.get(id)?.gpuLosses !== gpuLosses ? null : post({
    session: id, type: 'error', about: message.type, message: error.message ?? String(error),
    // A training run that diverged names the step; a trap (a Rust panic, memory exhausted)
    // leaves the wasm module unusable, so the page treats the worker as dead.
    name: error.name ?? null, step: error.step ?? null, fatal: error instanceof WebAssembly.RuntimeError,
  }));
};
