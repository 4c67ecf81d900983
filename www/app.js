// The page's main thread: it renders and handles input, and nothing else. Training and
// generation run in worker.js, where the page is one session (session.js) among any others.
import { CheckpointStore } from './checkpoint_store.js';
import { drawDigits } from './digits_canvas.js';
import { LatentExplorer } from './explorer.js';
import { dropFiles, pickFiles } from './file_drop.js';
import { FoolD } from './fool_d.js';
import { T, languageSwitch, localize, translateError } from './i18n.js';
import { ModelClient } from './model_client.js';
import { PRESETS } from './presets.js';
import {
  CLASSES, CONDITIONAL_GENERATOR_URL, DATASETS, DEFAULT_STEPS_PER_FRAME, FASHION_GENERATOR_URL, GRID, GRID_EVERY,
  HANDOVER_KEY, HANDOVER_WEIGHTS, PIXELS, QUALITY_EVERY, QUALITY_SAMPLES, builtInDataset, clampStepsPerFrame,
} from './protocol.js';
import { qualityPanel } from './quality_panel.js';
import { RunRecovery } from './recovery.js';
import { onWorkerError, openSession, restartWorker } from './session.js';
import { TrainCheckpoints } from './train_checkpoints.js';
import { TrainingLoop } from './training_loop.js';

const $ = (id) => document.getElementById(id);
const CHECKPOINT_STRINGS = T.checkpoint;
const S = T.page;
const params = new URLSearchParams(location.search);
// Generate mode judges more samples at once: nothing else is running.
const GENERATE_QUALITY_SAMPLES = 1000;
// The generator generate mode opens with (GENERATOR_URL is the unconditional DCGAN).
const DEFAULT_GENERATOR = CONDITIONAL_GENERATOR_URL;

/** State the end-to-end tests read. */
const state = (window.webgan = {
  mode: params.get('mode') === 'generate' ? 'generate' : 'train',
  loadedAt: performance.now(),
  backend: null,
  adapter: null,
  step: 0,
  playing: false,
  grids: 0,
  quality: null,
  firstStepMs: null,
  firstGridMs: null,
  longTasks: [],
  errors: [],
  /** Each `trained` reply's StepStats of the current run, oldest first (at most HISTORY). */
  history: [],
});
const HISTORY = 10_000;

/** A test-readable property of window.webgan left out of `{ ...window.webgan }` copies. */
const testHook = (name, descriptor) => Object.defineProperty(state, name, { ...descriptor, configurable: true });

/** Test hook: `n` samples of the session's model from noise seeded by `seed`, as grey bytes. */
const drawHook = (client) => async (n, seed) => Array.from((await client.request({ type: 'samples', n, seed })).pixels);

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) state.longTasks.push(Math.round(entry.duration));
}).observe({ type: 'longtask', buffered: true });

/** Shows `message` in the reader's language where the table knows it; tests read the original. */
function showError(message) {
  state.errors.push(message);
  $('error-text').textContent = translateError(message);
  $('error').hidden = false;
}
$('error-close').addEventListener('click', () => { $('error').hidden = true; });

/** Wraps a quality panel so the latest result is also kept in the test-visible state. */
const recordQuality = (show) => (result) => {
  state.quality = { ...result, histogram: Array.from(result.histogram) };
  show(result);
};

/** Keeps and shows the backend that a `ready` or `generator-ready` reply names. */
function showBackend(element, { backend, adapter }) {
  state.backend = backend;
  state.adapter = adapter;
  element.textContent = backend === 'webgpu' ? S.backendWebgpu(adapter) : S.backendCpu;
}

// The page's session; each mode sets what handles the replies.
let receive = () => {};
const session = openSession((message) => receive(message));
// Train mode offers to restart from its last recovery point instead (recovery.js).
let onWorkerDied = (why) => showError(S.workerFailed(translateError(why)));
onWorkerError((event) => onWorkerDied(event.message ?? S.workerDidNotLoad));
// Test hook: a test-only fault in the worker (protocol.js, TestFaultRequest).
testHook('fault', { value: (fault) => session.send({ type: 'test-fault', fault }) });

localize();
// Switching language reloads the page; a run in train mode is saved first, to resume.
let beforeLanguageChange = async () => {};
document.querySelector('header').append(languageSwitch(() => beforeLanguageChange()));
if (state.mode === 'generate') startGenerateMode(); else startTrainMode();

async function startGenerateMode() {
  $('generate-view').hidden = false;
  const showQuality = recordQuality(qualityPanel($('gen-quality')));
  $('link-generate').setAttribute('aria-current', 'page');
  const backend = params.get('backend') ?? 'auto';
  const weights = params.get('weights') ?? DEFAULT_GENERATOR;
  const client = new ModelClient(session.send);
  receive = (message) => client.receive(message);
  testHook('draw', { value: drawHook(client) });

  // Another generator is another page load: the worker then holds only the one shown. A
  // local file is the exception: it has no URL to load again.
  const choice = $('gen-choice');
  const choose = (value, label) => {
    if (![...choice.options].some((o) => o.value === value)) choice.add(new Option(label, value));
    choice.value = value;
  };
  choice.addEventListener('change', () => {
    if (choice.value.startsWith('file:')) return;
    params.set('weights', choice.value);
    location.search = params.toString();
  });

  // What the generator draws, for its classifier: the Fashion generator, or ?data=fashion for
  // a file of one's own, draws clothes.
  const dataset = weights === FASHION_GENERATOR_URL || params.get('data') === 'fashion' ? 'fashion' : 'mnist';
  let explorer = null;
  /** A new latent explorer on the loaded generator (whose latentDim or labels may differ from the last). */
  const explore = async () => {
    explorer?.destroy();
    $('explorer').replaceChildren();
    explorer = new LatentExplorer($('explorer'), client, {
      idPrefix: '', // its ids (samples, new-samples, slider-0, …) are the page's: none is the training view's
      headingLevel: 2,
      seed: params.has('seed') ? Number(params.get('seed')) : undefined,
      onError: showError,
      onGrid: () => {
        state.grids += 1;
        state.firstGridMs ??= performance.now() - state.loadedAt;
      },
    });
    state.explorer = explorer.state;
    // ?digit=3: a grid of one digit, where the generator draws digits by label.
    const digit = params.get('digit');
    if (digit !== null && !(client.conditional && /^[0-9]$/.test(digit))) {
      showError(client.conditional ? S.digitInvalid(digit) : S.digitNeedsLabels);
    }
    await explorer.start(digit !== null && client.conditional && /^[0-9]$/.test(digit) ? Number(digit) : null);
    // Judged once the explorer's first drawings are in: a second of work that would delay them.
    try {
      const result = await client.quality(GENERATE_QUALITY_SAMPLES);
      if (result) showQuality(result);
    } catch (error) {
      showError(error.message);
    }
  };

  // A local .safetensors file, picked or dropped: a bad one leaves the current generator.
  $('open-generator').textContent = CHECKPOINT_STRINGS.openGenerator;
  $('generate-view').dataset.dropHint = CHECKPOINT_STRINGS.generatorDropHint;
  const openFile = async ({ name, bytes }) => {
    let ready;
    try {
      ready = await client.load(bytes, backend, dataset);
    } catch (error) {
      showError(CHECKPOINT_STRINGS.generatorFailed(name, error.message));
      return;
    }
    showBackend($('gen-backend'), ready);
    $('gen-weights').textContent = name;
    choose(`file:${name}`, CHECKPOINT_STRINGS.localFile(name));
    $('generator-status').textContent = CHECKPOINT_STRINGS.localFile(name);
    await explore();
  };
  const unreadable = (error) => showError(error.message);
  pickFiles($('open-generator'), $('generator-file'), openFile, unreadable);
  dropFiles($('generate-view'), openFile, unreadable);

  // ?weights=handover: the generator the train view handed over, from this browser's storage.
  let source = weights;
  let shown = weights;
  if (weights === HANDOVER_WEIGHTS) {
    const stored = await new CheckpointStore().load(HANDOVER_KEY);
    if (stored.ok && stored.record) {
      source = stored.record.bytes;
      shown = CHECKPOINT_STRINGS.handoverName(stored.record.step);
    } else {
      showError(stored.ok ? CHECKPOINT_STRINGS.handoverMissing : CHECKPOINT_STRINGS.handoverFailed(stored.problem));
      source = DEFAULT_GENERATOR;
      shown = DEFAULT_GENERATOR;
    }
  }
  $('gen-weights').textContent = shown;
  choose(source === DEFAULT_GENERATOR ? DEFAULT_GENERATOR : weights, shown);
  let ready;
  try {
    ready = await client.load(source, backend, dataset);
  } catch (error) {
    $('gen-backend').textContent = S.unavailable;
    showError(S.generatorLoadFailed(translateError(error.message)));
    return;
  }
  showBackend($('gen-backend'), ready);
  await explore();
}

async function startTrainMode() {
  $('train-view').hidden = false;
  $('link-train').setAttribute('aria-current', 'page');
  const gridCaption = (conditional) => { $('grid-caption').textContent = S.gridCaption(conditional, GRID_EVERY); };
  gridCaption(false);
  $('grid').setAttribute('aria-label', S.gridAlt(GRID));
  const { LiveCharts } = await import('./charts.js');
  const charts = new LiveCharts($('chart-loss'), $('chart-prob'));
  testHook('charts', { get: () => charts.snapshot() });
  const showQuality = recordQuality(qualityPanel($('quality')));
  let lastQualityStep = 0;
  let qualityInFlight = false;

  // Settings: presets fill the fields; the fields are what a reset uses.
  const preset = $('preset');
  for (const p of PRESETS) preset.add(new Option(p.name, p.id));
  // The preset's settings that have no field of their own (β2, critic steps) ride along.
  let presetSettings = {};
  // WGAN-GP brings its own gradient penalty; R1 is a BCE option.
  const syncR1 = () => {
    $('r1').disabled = $('loss').value !== 'bce';
  };
  $('loss').addEventListener('change', syncR1);
  // Depth 3 is the DCGAN's alone (a convolution in G too); the MLP goes to 2.
  const syncDepth = () => {
    const mlp = $('architecture').value === 'mlp';
    $('depth').querySelector('option[value="3"]').disabled = mlp;
    if (mlp && $('depth').value === '3') $('depth').value = '2';
  };
  $('architecture').addEventListener('change', syncDepth);
  const applyPreset = (id) => {
    const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0];
    preset.value = p.id;
    presetSettings = p.settings;
    $('preset-note').textContent = p.note;
    $('architecture').value = p.settings.architecture;
    $('depth').value = p.settings.depth;
    $('loss').value = p.settings.loss;
    $('lr').value = p.settings.learningRate;
    $('batch').value = p.settings.batchSize;
    $('beta1').value = p.settings.beta1;
    $('r1').value = p.settings.r1Penalty ?? 0;
    $('conditional').checked = p.settings.conditional ?? false;
    syncR1();
    syncDepth();
  };
  applyPreset(params.get('preset'));
  charts.clear({ probabilities: $('loss').value === 'bce' });
  preset.addEventListener('change', () => applyPreset(preset.value));
  $('backend-choice').value = params.get('backend') ?? 'auto';
  $('steps-per-frame').value = params.get('steps') ?? DEFAULT_STEPS_PER_FRAME;
  // ?data=fashion (or mnist) picks a built-in dataset, any other ?data= is a URL of the reader's own.
  const asked = params.get('data') ?? 'mnist';
  const builtIn = Object.hasOwn(DATASETS, asked) ? asked : builtInDataset(asked, location.href);
  $('data-url').value = builtIn ? DATASETS[builtIn].images : asked;
  // The built-in datasets come with their labels; another dataset's labels are the reader's to give.
  $('labels-url').value = params.get('labels') ?? (builtIn ? DATASETS[builtIn].labels : '');
  const labelsOf = (source) => DATASETS[builtInDataset(source, location.href)]?.labels ?? null;

  const options = () => ({
    ...presetSettings,
    backend: $('backend-choice').value,
    architecture: $('architecture').value,
    depth: Number($('depth').value),
    loss: $('loss').value,
    learningRate: Number($('lr').value),
    batchSize: Number($('batch').value),
    beta1: Number($('beta1').value),
    r1Penalty: $('loss').value === 'bce' ? Number($('r1').value) : 0,
    conditional: $('conditional').checked,
    seed: Number(params.get('seed') ?? 42),
  });
  /** Shows a resumed checkpoint's settings in the fields, so that Reset starts a run like it. */
  const applySettings = (settings, presetId) => {
    const p = PRESETS.find((x) => x.id === presetId);
    if (p) {
      preset.value = p.id;
      $('preset-note').textContent = p.note;
    }
    const { backend: _backend, seed: _seed, ...rest } = settings;
    presetSettings = rest;
    const fields = { architecture: 'architecture', depth: 'depth', loss: 'loss', learningRate: 'lr', batchSize: 'batch', beta1: 'beta1', r1Penalty: 'r1' };
    for (const [key, id] of Object.entries(fields)) if (settings[key] !== undefined && settings[key] !== null) $(id).value = settings[key];
    if (typeof settings.conditional === 'boolean') $('conditional').checked = settings.conditional;
    syncR1();
    syncDepth();
  };
  const rate = { steps: 0, since: performance.now(), value: 0 };

  // The latent explorer on the paused trainer: its requests share the page's session, so a
  // ModelClient takes the replies that answer them and the page gets the rest.
  const client = new ModelClient(session.send);
  testHook('draw', { value: drawHook(client) });
  let explorer = null;
  const syncExplorer = () => {
    const open = $('train-explore').open && !state.playing && loop.ready;
    $('train-explore-note').hidden = open;
    if (open && !explorer) {
      explorer = new LatentExplorer($('train-explorer'), client, { idPrefix: 'train-explorer-', onError: showError });
      state.explorer = explorer.state;
      explorer.start().catch((error) => showError(error.message));
    } else if (!open && explorer) {
      explorer.destroy();
      explorer = null;
      $('train-explorer').replaceChildren();
    }
  };
  $('train-explore').addEventListener('toggle', syncExplorer);

  // "Can you fool D?" on the page's trainer, or the shipped D; judged again as D trains, at
  // most once a second while it is open.
  const foolD = new FoolD($('train-fool-d-host'), client, { idPrefix: 'train-fool-d-', onError: showError });
  testHook('foolD', { get: () => ({ ...foolD.state }) });
  let foolDJudged = 0;
  const refreshFoolD = () => {
    if (!$('train-fool-d').open || foolD.state.d !== 'session' || performance.now() - foolDJudged < 1000) return;
    foolDJudged = performance.now();
    foolD.rejudge();
  };

  const loop = new TrainingLoop(session.send, {
    stepsPerFrame: () => clampStepsPerFrame($('steps-per-frame').value, 1),
    onPlaying: (playing) => {
      state.playing = playing;
      $('start').disabled = playing;
      $('pause').disabled = !playing;
      syncExplorer();
    },
  });
  // Training starts by itself, unless the reader asked for less motion or the URL says no.
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
  loop.setPlaying(params.get('autoplay') !== '0' && !reducedMotion);

  /** Clears what the old run drew: a fresh run is on its way. */
  const clearRun = () => {
    loop.reset();
    syncExplorer(); // the explorer drew the old trainer's digits
    state.step = 0;
    state.history = [];
    lastQualityStep = 0;
    charts.clear({ probabilities: $('loss').value === 'bce' });
    $('step-count').textContent = '0';
    $('backend').textContent = S.starting;
  };

  /** The dataset the session reads: its URL and labels URL (null for local files). */
  let data = { source: null, labels: null };
  /** What it was loaded from, Files included, to send again to a restarted worker. */
  let loaded = null;
  const loadData = (source, labels) => {
    $('dataset').value = builtInDataset(source, location.href) ?? 'own';
    $('data-status').textContent = S.downloading;
    $('data-progress').value = 0;
    const labelsSource = labels || labelsOf(source);
    data = { source: typeof source === 'string' ? source : null, labels: typeof labelsSource === 'string' ? labelsSource : null };
    loaded = { source, labels: labelsSource };
    session.send({ type: 'load-data', source, labels: labelsSource });
  };

  // Saving, resuming and opening runs; the page keeps its chart history in each checkpoint.
  const pageState = () => ({ charts: charts.snapshot(), preset: preset.value, quality: state.quality });
  const checkpoints = new TrainCheckpoints({
    view: $('train-view'),
    send: session.send,
    client,
    state,
    options,
    page: pageState,
    data: () => data,
    onFresh: clearRun,
    showError,
  });

  // A run that diverged rolls back; a dead worker restarts; both from the last recovery point.
  const recovery = new RunRecovery({
    client,
    state,
    page: pageState,
    setPlaying: (playing) => loop.setPlaying(playing),
    options,
    resume: (bytes, overrides) => {
      clearRun();
      if (overrides?.backend) $('backend-choice').value = overrides.backend;
      checkpoints.recover(bytes, overrides);
    },
    reload: () => loadData(loaded.source, loaded.labels),
    restartWorker: () => { restartWorker(); loop.reset(); },
    startFresh: () => checkpoints.startFresh(),
  });
  onWorkerDied = (why) => recovery.workerDied(why);
  beforeLanguageChange = () => checkpoints.autosave.save();

  /** A resumed checkpoint: its settings in the fields, its charts and latest quality as they were. */
  const applyResumed = ({ options: settings, page }) => {
    applySettings(settings ?? {}, page?.preset);
    try {
      charts.restore(page?.charts, { probabilities: $('loss').value === 'bce' });
    } catch {
      charts.clear({ probabilities: $('loss').value === 'bce' }); // a checkpoint without the page's history
    }
    const quality = page?.quality;
    if (quality && Array.isArray(quality.histogram) && Number.isFinite(quality.score)) showQuality(quality);
  };

  receive = (message) => {
    if (client.receive(message)) return;
    loop.receive(message);
    if (checkpoints.receive(message)) return;
    switch (message.type) {
      case 'ready':
        client.describe(message);
        if (message.resumed) applyResumed(message.resumed);
        state.step = loop.step;
        state.history = [];
        lastQualityStep = loop.step;
        $('step-count').textContent = state.step.toLocaleString();
        syncExplorer();
        showBackend($('backend'), message);
        recovery.ready(message.step);
        state.conditional = message.conditional;
        gridCaption(message.conditional);
        break;
      case 'progress': {
        const { bytes, size, count, total } = message;
        $('data-progress').value = size ? Math.min(1, bytes / size) : count / total;
        $('data-status').textContent = count < total ? S.imagesOf(count, total) : S.images(total);
        break;
      }
      case 'data-error':
        $('data-status').textContent = S.failed;
        showError(S.datasetFailed(translateError(message.message)));
        $('data-details').open = true; // so the reader can pick another source
        $('data-url').focus();
        break;
      case 'trained':
        if (!loop.ready) break; // a reply from the trainer a reset replaced
        if (!message.stats) {
          $('rate').textContent = message.reason;
          break;
        }
        state.step = loop.step;
        state.firstStepMs ??= performance.now() - state.loadedAt;
        state.history.push(message.stats);
        if (state.history.length > HISTORY) state.history.shift();
        checkpoints.trained(state.step);
        recovery.trained(state.step);
        $('step-count').textContent = state.step.toLocaleString();
        $('epoch').textContent = message.complete ? message.epoch : S.epochArriving(message.epoch);
        charts.push(message.stats);
        refreshFoolD();
        // Queued behind the next training request: 500 samples take ~0.3 s on the CPU, about 4%
        // of the time 500 steps take there.
        if (state.step - lastQualityStep >= QUALITY_EVERY && !qualityInFlight) {
          qualityInFlight = true;
          lastQualityStep = state.step;
          session.send({ type: 'quality', n: QUALITY_SAMPLES });
        }
        rate.steps += message.steps;
        if (performance.now() - rate.since > 1000) {
          rate.value = (rate.steps * 1000) / (performance.now() - rate.since);
          rate.steps = 0;
          rate.since = performance.now();
          $('rate').textContent = rate.value.toFixed(1);
        }
        break;
      case 'quality':
        qualityInFlight = false;
        if (message.result) showQuality({ ...message.result, step: lastQualityStep });
        break;
      case 'grid':
        state.grids += 1;
        drawDigits($('grid'), message.pixels, message.columns);
        $('grid').setAttribute('aria-label', message.columns === CLASSES
          ? S.gridAltConditional(message.pixels.length / PIXELS / CLASSES)
          : S.gridAlt(GRID));
        break;
      case 'gpu-lost':
        return recovery.gpuLost(message.message);
      case 'error':
        if (message.fatal) return recovery.workerDied(message.message);
        if (message.name === 'TrainingDiverged') return recovery.diverged(message.step);
        if (message.about === 'quality') qualityInFlight = false;
        if (message.about === 'train-init' || message.about === 'reset') {
          $('backend').textContent = S.unavailable;
          loop.setPlaying(false);
        }
        showError(message.message);
        break;
    }
  };

  $('start').addEventListener('click', () => loop.setPlaying(true));
  $('pause').addEventListener('click', () => loop.setPlaying(false));
  $('step-once').addEventListener('click', () => loop.stepOnce());
  $('reset').addEventListener('click', () => checkpoints.startFresh());
  // A built-in dataset starts a new run on it; "your own" opens the fields to give one.
  $('dataset').addEventListener('change', () => {
    const id = $('dataset').value;
    if (!Object.hasOwn(DATASETS, id)) {
      $('data-details').open = true;
      $('data-url').focus();
      return;
    }
    $('data-url').value = DATASETS[id].images;
    $('labels-url').value = DATASETS[id].labels;
    loadData(DATASETS[id].images, DATASETS[id].labels);
    checkpoints.startFresh();
  });
  $('data-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadData($('data-url').value.trim(), $('labels-url').value.trim());
  });
  // A local images file, with the local labels file where one is chosen too.
  const loadFiles = () => {
    const file = $('data-file').files[0];
    if (file) loadData(file, $('labels-file').files[0] ?? null);
  };
  $('data-file').addEventListener('change', loadFiles);
  $('labels-file').addEventListener('change', loadFiles);

  // The saved run's dataset, unless the URL names one; its download runs while the reader
  // answers the resume prompt.
  const saved = await checkpoints.saved();
  if (saved && !params.has('data') && typeof saved.source === 'string') {
    $('data-url').value = saved.source;
    $('labels-url').value = saved.labels ?? '';
  }
  loadData($('data-url').value.trim(), $('labels-url').value.trim());
  checkpoints.begin();
}
