// The page's main thread: it renders and handles input, and nothing else. Training and
// generation run in worker.js, where the page is one session (session.js) among any others.
import { drawDigits } from './digits_canvas.js';
import { PRESETS } from './presets.js';
import {
  DATA_URL, DEFAULT_STEPS_PER_FRAME, GENERATOR_URL, GRID, GRID_EVERY, QUALITY_EVERY, QUALITY_SAMPLES,
  clampStepsPerFrame,
} from './protocol.js';
import { qualityPanel } from './quality_panel.js';
import { onWorkerError, openSession } from './session.js';
import { TrainingLoop } from './training_loop.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// Generate mode judges more samples at once: nothing else is running.
const GENERATE_QUALITY_SAMPLES = 1000;

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
});

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) state.longTasks.push(Math.round(entry.duration));
}).observe({ type: 'longtask', buffered: true });

function showError(message) {
  state.errors.push(message);
  $('error-text').textContent = message;
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
  element.textContent = backend === 'webgpu' ? `WebGPU — ${adapter}` : 'CPU (WebAssembly)';
}

// The page's session; each mode sets what handles the replies.
let receive = () => {};
const session = openSession((message) => receive(message));
onWorkerError((event) => showError(`The worker failed: ${event.message}`));

if (state.mode === 'generate') startGenerateMode(); else startTrainMode();

function startGenerateMode() {
  $('generate-view').hidden = false;
  const showQuality = recordQuality(qualityPanel($('gen-quality')));
  $('link-generate').setAttribute('aria-current', 'page');
  const weights = params.get('weights') ?? GENERATOR_URL;
  $('gen-weights').textContent = weights;
  // Another generator is another page load: the worker then holds only the one shown.
  const choice = $('gen-choice');
  if (![...choice.options].some((o) => o.value === weights)) choice.add(new Option(weights, weights));
  choice.value = weights;
  choice.addEventListener('change', () => {
    params.set('weights', choice.value);
    location.search = params.toString();
  });
  const button = $('new-samples');
  const request = () => {
    button.disabled = true;
    session.send({ type: 'samples', n: GRID, seed: Math.floor(Math.random() * 2 ** 31) });
  };
  receive = (message) => {
    switch (message.type) {
      case 'generator-ready':
        showBackend($('gen-backend'), message);
        request();
        break;
      case 'samples':
        drawDigits($('samples'), message.pixels);
        state.grids += 1;
        state.firstGridMs ??= performance.now() - state.loadedAt;
        button.disabled = false;
        if (!state.quality) session.send({ type: 'quality', n: GENERATE_QUALITY_SAMPLES });
        break;
      case 'quality':
        if (message.result) showQuality(message.result);
        break;
      case 'error':
        $('gen-backend').textContent = 'unavailable';
        showError(`Could not load the generator: ${message.message}`);
        break;
    }
  };
  button.addEventListener('click', request);
  session.send({ type: 'generator-init', url: weights, backend: params.get('backend') ?? 'auto' });
}

async function startTrainMode() {
  $('train-view').hidden = false;
  $('link-train').setAttribute('aria-current', 'page');
  $('grid-every').textContent = GRID_EVERY;
  const { LiveCharts } = await import('./charts.js');
  const charts = new LiveCharts($('chart-loss'), $('chart-prob'));
  const showQuality = recordQuality(qualityPanel($('quality')));
  let lastQualityStep = 0;
  let qualityInFlight = false;

  // Settings: presets fill the fields; the fields are what a reset uses.
  const preset = $('preset');
  for (const p of PRESETS) preset.add(new Option(p.name, p.id));
  // The preset's settings that have no field of their own (β2, critic steps) ride along.
  let presetSettings = {};
  // WGAN-GP brings its own gradient penalty; R1 is a BCE option.
  const syncR1 = () => { $('r1').disabled = $('loss').value !== 'bce'; };
  $('loss').addEventListener('change', syncR1);
  const applyPreset = (id) => {
    const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0];
    preset.value = p.id;
    presetSettings = p.settings;
    $('preset-note').textContent = p.note;
    $('architecture').value = p.settings.architecture;
    $('loss').value = p.settings.loss;
    $('lr').value = p.settings.learningRate;
    $('batch').value = p.settings.batchSize;
    $('beta1').value = p.settings.beta1;
    $('r1').value = p.settings.r1Penalty ?? 0;
    syncR1();
  };
  applyPreset(params.get('preset'));
  charts.clear({ probabilities: $('loss').value === 'bce' });
  preset.addEventListener('change', () => applyPreset(preset.value));
  $('backend-choice').value = params.get('backend') ?? 'auto';
  $('steps-per-frame').value = params.get('steps') ?? DEFAULT_STEPS_PER_FRAME;
  $('data-url').value = params.get('data') ?? DATA_URL;

  const options = () => ({
    ...presetSettings,
    backend: $('backend-choice').value,
    architecture: $('architecture').value,
    loss: $('loss').value,
    learningRate: Number($('lr').value),
    batchSize: Number($('batch').value),
    beta1: Number($('beta1').value),
    r1Penalty: $('loss').value === 'bce' ? Number($('r1').value) : 0,
    seed: Number(params.get('seed') ?? 42),
  });
  const rate = { steps: 0, since: performance.now(), value: 0 };

  const loop = new TrainingLoop(session.send, {
    stepsPerFrame: () => clampStepsPerFrame($('steps-per-frame').value, 1),
    onPlaying: (playing) => {
      state.playing = playing;
      $('start').disabled = playing;
      $('pause').disabled = !playing;
    },
  });
  // Training starts by itself, unless the reader asked for less motion or the URL says no.
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
  loop.setPlaying(params.get('autoplay') !== '0' && !reducedMotion);

  const reset = () => {
    loop.reset();
    state.step = 0;
    lastQualityStep = 0;
    charts.clear({ probabilities: $('loss').value === 'bce' });
    $('step-count').textContent = '0';
    $('backend').textContent = 'starting…';
    session.send({ type: 'reset', options: options() });
  };

  const loadData = (source) => {
    $('data-status').textContent = 'downloading…';
    $('data-progress').value = 0;
    session.send({ type: 'load-data', source });
  };

  receive = (message) => {
    loop.receive(message);
    switch (message.type) {
      case 'ready':
        showBackend($('backend'), message);
        break;
      case 'progress': {
        const { bytes, size, count, total } = message;
        $('data-progress').value = size ? Math.min(1, bytes / size) : count / total;
        $('data-status').textContent = count < total
          ? `${count.toLocaleString()} of ${total.toLocaleString()} images`
          : `${total.toLocaleString()} images`;
        break;
      }
      case 'data-error':
        $('data-status').textContent = 'failed';
        showError(`The dataset could not be loaded: ${message.message}`);
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
        $('step-count').textContent = state.step.toLocaleString();
        $('epoch').textContent = message.complete ? message.epoch : `${message.epoch} (data still arriving)`;
        charts.push(message.stats);
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
        drawDigits($('grid'), message.pixels);
        break;
      case 'error':
        if (message.about === 'quality') qualityInFlight = false;
        if (message.about === 'train-init' || message.about === 'reset') {
          $('backend').textContent = 'unavailable';
          loop.setPlaying(false);
        }
        showError(message.message);
        break;
    }
  };

  $('start').addEventListener('click', () => loop.setPlaying(true));
  $('pause').addEventListener('click', () => loop.setPlaying(false));
  $('step-once').addEventListener('click', () => loop.stepOnce());
  $('reset').addEventListener('click', reset);
  $('data-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadData($('data-url').value.trim());
  });
  $('data-file').addEventListener('change', () => {
    const file = $('data-file').files[0];
    if (file) loadData(file);
  });

  session.send({ type: 'train-init', options: options(), source: $('data-url').value });
}
