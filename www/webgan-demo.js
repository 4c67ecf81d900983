// <webgan-demo>: a self-contained WebGAN widget for any page.
//
//   <script type="module" src="https://…/webgan-demo.js"></script>
//   <webgan-demo mode="train" architecture="mlp" autoplay steps-per-frame="5"></webgan-demo>
//
// Attributes: mode ("train", "generate" or "explore"), weights (generate and explore modes: a
// safetensors URL), architecture ("mlp" or "dcgan"), preset (any id from presets.js;
// architecture overrides its network), autoplay, steps-per-frame, backend ("auto", "cpu",
// "webgpu"), data ("mnist", "fashion" or an IDX URL of one's own; generate and explore:
// "fashion" draws clothes with the Fashion generator), seed, conditional (train: learn digits by label, with the
// architecture's conditional preset; generate and explore: the conditional generator, whose
// grid shows a column per digit), digit (generate and explore: 0–9, a grid of that digit) and,
// in explore mode (the latent explorer, explorer.js), text (a number to write); digit and text
// may change later. persist (train mode, off by default) keeps the run in this browser's
// storage, saved every 30 s of training, when the page is hidden and when the element is
// removed, and offers to resume it on the next visit; its value is the storage key (default:
// the element's id, else its place among the page's persisting elements, each with the page's
// path). Events: "step" (detail: the StepStats of the latest batch of steps), "ready" (detail:
// { backend, step }), "checkpoint" (persist: detail { step, savedAt }, a save done), "error"
// (detail: { message }) and, in explore mode, "pick" (detail: { index, z, label }). Every
// element on a page shares one worker and one wasm module. Explore mode links style.css, next
// to this file, into its shadow root for the explorer's styles.
import { Autosave } from './autosave.js';
import { CheckpointStore } from './checkpoint_store.js';
import { drawDigits } from './digits_canvas.js';
import { T, datasetStrings, translateError } from './i18n.js';
import { LatentExplorer } from './explorer.js';
import { ModelClient } from './model_client.js';
import { PRESETS } from './presets.js';
import {
  CLASSES, CONDITIONAL_GENERATOR_URL, CONDITIONAL_GRID_ROWS, DATASETS, DEFAULT_STEPS_PER_FRAME, FASHION_GENERATOR_URL, GENERATOR_URL, GRID,
  clampStepsPerFrame,
} from './protocol.js';
import { openSession } from './session.js';
import { TrainingLoop } from './training_loop.js';

const CHECKPOINT_STRINGS = T.checkpoint;
const S = T.demo;

// Relative data and weights URLs are read next to this file, wherever the page is.
const BASE = new URL('.', import.meta.url);

const STYLE = `
  :host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #1f2328; max-width: 100%; }
  .frame { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-start; }
  canvas { width: 224px; max-width: 100%; height: auto; image-rendering: pixelated; background: #000; border-radius: 4px; }
  .side { display: flex; flex-direction: column; gap: 0.5rem; min-width: 10rem; flex: 1; }
  .buttons { display: flex; flex-wrap: wrap; gap: 0.4rem; }
  button { font: inherit; padding: 0.35rem 0.8rem; border: 1px solid #8c959f; border-radius: 4px; background: #f6f8fa; color: #1f2328; cursor: pointer; }
  button[aria-pressed="true"] { background: #0b5cad; border-color: #0b5cad; color: #fff; }
  button:disabled { opacity: 0.6; cursor: default; }
  button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  .status { font-variant-numeric: tabular-nums; }
  .classes { color: #444c56; }
  .error { color: #a40e26; }
  .note { color: #5c4400; }
  .note:empty, .prompt[hidden] { display: none; }
  .prompt { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
`;

// Explore mode: style.css's colours, which its explorer section and controls read, set on the
// element itself so that they hold on any page.
const EXPLORE_STYLE = `
  :host { --ink: #1d2127; --muted: #5c6470; --line: #d8dde3; --panel: #f6f7f9; --accent: #1864ab; }
  .explore-status { font-variant-numeric: tabular-nums; color: #444c56; margin-bottom: 0.4rem; }
`;

/** `css` as a constructed style sheet, made once per text. */
const sheets = new Map();
function sheet(css) {
  if (!sheets.has(css)) {
    const made = new CSSStyleSheet();
    made.replaceSync(css);
    sheets.set(css, made);
  }
  return sheets.get(css);
}

export class WebganDemo extends HTMLElement {
  static observedAttributes = ['steps-per-frame', 'digit', 'text'];

  constructor() {
    super();
    this.loop = null;
    this.classifying = false;
    this.classifiedAt = -Infinity;
    const root = this.attachShadow({ mode: 'open' });
    // Constructed style sheets, not <style>: a strict Content-Security-Policy (style-src 'self') allows them.
    root.adoptedStyleSheets = [sheet(STYLE)];
    root.innerHTML = `
      <div class="frame">
        <canvas width="224" height="224" role="img" aria-label="${S.loadingAlt}"></canvas>
        <div class="side">
          <div class="buttons"></div>
          <div class="status" role="status" aria-live="polite">${T.common.loading}</div>
          <div class="classes"></div>
          <div class="note" role="status"></div>
          <div class="error" role="alert"></div>
        </div>
      </div>`;
    this.canvas = root.querySelector('canvas');
    this.statusLine = root.querySelector('.status');
    this.classesLine = root.querySelector('.classes');
    this.errorLine = root.querySelector('.error');
    this.noteLine = root.querySelector('.note');
    this.buttons = root.querySelector('.buttons');
  }

  get mode() {
    const mode = this.getAttribute('mode');
    return mode === 'generate' || mode === 'explore' ? mode : 'train';
  }

  get stepsPerFrame() {
    return clampStepsPerFrame(this.getAttribute('steps-per-frame') ?? DEFAULT_STEPS_PER_FRAME, DEFAULT_STEPS_PER_FRAME);
  }

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    this.session = openSession((message) => this.receive(message));
    const label = this.getAttribute('aria-label')
      ?? { train: S.train, generate: S.generate, explore: S.explore }[this.mode];
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', label);
    if (this.mode === 'train') this.startTraining();
    else if (this.mode === 'generate') this.startGenerating();
    else this.startExploring();
  }

  attributeChangedCallback(name, _old, value) {
    if (name === 'digit' && this.generatorConditional && this.newButton) this.requestSamples();
    if (!this.explorer) return;
    if (name === 'digit') this.explorer.newGrid(this.digitAttribute());
    if (name === 'text') this.explorer.setText(value ?? '');
  }

  disconnectedCallback() {
    this.loop?.setPlaying(false);
    this.explorer?.destroy();
    this.explorer = null;
    this.started = false;
    const { session, autosave, client } = this;
    this.autosave = null;
    if (!autosave) {
      this.client = null;
      session.close();
      return;
    }
    // A persisting element saves its run before the worker lets go of it.
    autosave.stop();
    autosave.save().finally(() => {
      if (this.client === client) this.client = null; // unless it came back meanwhile
      session.close();
    });
  }

  button(text, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    this.buttons.append(b);
    return b;
  }

  send(message) { this.session.send(message); }

  startTraining() {
    const architecture = this.getAttribute('architecture');
    const conditional = this.hasAttribute('conditional');
    // Without a preset, the first one for the architecture asked for (Default or DCGAN, or
    // their conditional ones): their learning rates and penalties are tuned for their networks.
    const fits = (p) => (!architecture || p.settings.architecture === architecture) && (p.settings.conditional ?? false) === conditional;
    const preset = PRESETS.find((p) => p.id === this.getAttribute('preset')) ?? PRESETS.find(fits) ?? PRESETS[0];
    const options = {
      ...preset.settings,
      ...(architecture === 'mlp' || architecture === 'dcgan' ? { architecture } : {}),
      ...(conditional ? { conditional } : {}),
      backend: this.getAttribute('backend') ?? 'auto',
      seed: Number(this.getAttribute('seed') ?? 42),
    };
    if (architecture && architecture !== options.architecture) {
      this.fail(S.architectureInvalid(architecture));
    }
    this.playButton = this.button(S.start, () => this.loop.setPlaying(!this.loop.playing));
    this.playButton.setAttribute('aria-pressed', 'false');
    this.button(S.step, () => this.loop.stepOnce());
    this.loop = new TrainingLoop(this.session.send, {
      stepsPerFrame: () => this.stepsPerFrame,
      onPlaying: (playing) => {
        this.playButton.textContent = playing ? S.pause : S.start;
        this.playButton.setAttribute('aria-pressed', String(playing));
      },
    });
    // Autoplay only where motion is welcome.
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.loop.setPlaying(this.hasAttribute('autoplay') && !reducedMotion);
    // A built-in dataset's labels go with it; another dataset has none here.
    const builtIn = DATASETS[this.dataset()];
    const data = new URL(builtIn?.images ?? this.getAttribute('data'), BASE).href;
    const labels = builtIn ? new URL(builtIn.labels, BASE).href : null;
    if (this.hasAttribute('persist')) this.startPersisting(options, data, labels);
    else this.send({ type: 'train-init', options, source: data, labels });
  }

  /** The storage key of a persisting element (documented at the top of this file). */
  storageKey() {
    const value = this.getAttribute('persist');
    if (value) return `webgan-demo:${value}`;
    const root = this.getRootNode();
    const place = this.id || String([...root.querySelectorAll('webgan-demo[persist]')].indexOf(this));
    return `webgan-demo:${location.pathname}#${place}`;
  }

  /**
   * Training with `persist`: the dataset loads at once, while the storage is read; a saved run
   * is offered for resuming, and the run is autosaved from then on.
   */
  async startPersisting(options, data, labels) {
    const store = new CheckpointStore();
    const client = new ModelClient(this.session.send);
    this.client = client;
    this.creating = [];
    const key = this.storageKey();
    this.autosave = new Autosave({
      store,
      key,
      capture: () => client.checkpoint(null),
      onSaved: (detail) => {
        this.noteLine.textContent = '';
        this.dispatchEvent(new CustomEvent('checkpoint', { detail }));
      },
      onProblem: (problem) => { this.noteLine.textContent = CHECKPOINT_STRINGS.storageNote(problem); },
    });
    this.autosave.listen();
    this.send({ type: 'load-data', source: data, labels });
    const saved = await store.load(key);
    if (this.client !== client) return; // disconnected meanwhile
    this.freshOptions = options;
    if (saved.ok && saved.record) this.offerResume(saved.record);
    else this.createTrainer('fresh');
  }

  /**
   * Asks whether to resume `record`, in the element, before any trainer exists: the question in
   * the status line (a polite live region), the answers right below it.
   */
  offerResume(record) {
    this.statusLine.id = 'status';
    this.statusLine.textContent = CHECKPOINT_STRINGS.resumePrompt(record.step, record.savedAt);
    const prompt = document.createElement('div');
    prompt.className = 'prompt';
    prompt.setAttribute('role', 'group');
    prompt.setAttribute('aria-labelledby', 'status');
    const answer = (text, onClick) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.addEventListener('click', () => {
        prompt.remove();
        this.statusLine.textContent = T.common.loading;
        onClick();
      });
      prompt.append(b);
    };
    answer(CHECKPOINT_STRINGS.resume, () => this.createTrainer('stored', record));
    answer(CHECKPOINT_STRINGS.startFresh, () => this.createTrainer('fresh'));
    this.statusLine.after(prompt);
  }

  /** A fresh trainer, or one resumed from the stored `record`. */
  createTrainer(kind, record = null) {
    this.creating.push({ kind, record });
    if (kind === 'fresh') this.send({ type: 'reset', options: this.freshOptions });
    else this.send({ type: 'reset', options: { backend: this.freshOptions.backend }, checkpoint: record.bytes });
  }

  /** Keeps a persisting element's autosave in step with a `ready` or a failed `reset`; true where handled. */
  followCheckpoints(message) {
    if (!this.autosave) return false;
    if (message.type === 'ready') {
      const { kind, record } = this.creating.shift() ?? { kind: 'fresh' };
      this.autosave.begin(message.step, { stored: kind === 'stored', savedAt: record?.savedAt });
      return false;
    }
    if (message.type === 'trained' && message.stats) this.autosave.trained(message.stats.step);
    if (message.type !== 'error' || message.about !== 'reset') return false;
    const { kind } = this.creating.shift() ?? { kind: 'fresh' };
    if (kind !== 'stored') return false;
    this.fail(CHECKPOINT_STRINGS.resumeFailed(message.message));
    this.createTrainer('fresh');
    return true;
  }

  startGenerating() {
    const { weights, dataset } = this.generatorSource();
    this.newButton = this.button(S.newSamples, () => this.requestSamples());
    this.newButton.disabled = true;
    this.send({ type: 'generator-init', url: weights, backend: this.getAttribute('backend') ?? 'auto', dataset });
  }

  /** The `data` attribute's built-in dataset id, 'mnist' without one, or null for a URL of one's own. */
  dataset() {
    const data = this.getAttribute('data') ?? 'mnist';
    return Object.hasOwn(DATASETS, data) ? data : null;
  }

  /**
   * Generate and explore modes' generator: the `weights` attribute, else the Fashion generator
   * for data="fashion", else the (conditional) DCGAN; and the dataset whose classifier judges it.
   */
  generatorSource() {
    const dataset = this.dataset() ?? 'mnist';
    const fallback = dataset === 'fashion' ? FASHION_GENERATOR_URL : this.hasAttribute('conditional') ? CONDITIONAL_GENERATOR_URL : GENERATOR_URL;
    return { weights: new URL(this.getAttribute('weights') ?? fallback, BASE).href, dataset };
  }

  /** The latent explorer on a pretrained generator, in place of the canvas and buttons. */
  startExploring() {
    this.shadowRoot.adoptedStyleSheets = [sheet(STYLE + EXPLORE_STYLE)];
    this.shadowRoot.innerHTML = `<link rel="stylesheet" href="${new URL('style.css', BASE).href}">
      <div class="explore-status" role="status">${T.common.loading}</div>
      <div class="error" role="alert"></div>
      <div class="explorer-host"></div>`;
    this.statusLine = this.shadowRoot.querySelector('.explore-status');
    this.errorLine = this.shadowRoot.querySelector('.error');
    const { weights, dataset } = this.generatorSource();
    const client = new ModelClient(this.session.send);
    this.client = client;
    client.load(weights, this.getAttribute('backend') ?? 'auto', dataset).then((ready) => {
      if (this.client !== client) return; // disconnected meanwhile
      this.statusLine.textContent = T.common.backendReady(ready.backend);
      this.dispatchEvent(new CustomEvent('ready', { detail: { backend: ready.backend } }));
      const labelled = this.hasAttribute('digit') || this.hasAttribute('text');
      if (labelled && !client.conditional) this.fail(S.needsLabelsText);
      this.explorer = new LatentExplorer(this.shadowRoot.querySelector('.explorer-host'), client, {
        seed: this.hasAttribute('seed') ? Number(this.getAttribute('seed')) : undefined,
        text: this.getAttribute('text') ?? undefined,
        onPick: (detail) => this.dispatchEvent(new CustomEvent('pick', { detail })),
        onError: (message) => this.fail(message),
      });
      this.explorer.start(client.conditional ? this.digitAttribute() : null);
    }, (error) => this.fail(error.message));
  }

  /** The `digit` attribute as a digit 0–9; null (fresh samples) when absent, or when not a digit, which it reports. */
  digitAttribute() {
    const value = (this.getAttribute('digit') ?? '').trim();
    if (value === '') return null;
    if (/^[0-9]$/.test(value)) return Number(value);
    this.fail(T.page.digitInvalid(value));
    return null;
  }

  /** Fresh samples: GRID of them, or for a conditional generator rows of 0–9 (or of `digit`). */
  requestSamples() {
    this.newButton.disabled = true;
    const seed = Math.floor(Math.random() * 2 ** 31);
    if (!this.generatorConditional) return this.send({ type: 'samples', n: GRID, seed });
    const n = CONDITIONAL_GRID_ROWS * CLASSES;
    const digit = this.digitAttribute();
    // Without a digit, the worker draws 0, 1, …, 9 in turn (protocol.js).
    this.send({ type: 'samples', n, seed, labels: digit === null ? undefined : new Uint8Array(n).fill(digit) });
  }

  fail(message) {
    this.errorLine.textContent = translateError(message);
    this.dispatchEvent(new CustomEvent('error', { detail: { message } }));
  }

  /** Draws a grid and asks the judge what the digits look like, for the text alternative. */
  showGrid(pixels, columns = 8) {
    drawDigits(this.canvas, pixels, columns);
    // The classifier pass queues in the worker between training requests: while training,
    // at most one a second, and never two waiting. Each new set of samples gets its own.
    if (this.mode === 'train') {
      const now = performance.now();
      if (this.classifying || now - this.classifiedAt < 1000) return;
      this.classifying = true;
      this.classifiedAt = now;
    }
    this.classifiedStep = this.loop?.step;
    this.send({ type: 'classify', pixels });
  }

  receive(message) {
    if (this.client?.receive(message)) return;
    this.loop?.receive(message);
    if (this.followCheckpoints(message)) return;
    switch (message.type) {
      case 'ready':
      case 'generator-ready':
        this.backend = message.backend;
        this.statusLine.textContent = message.step
          ? S.resumedOn(CHECKPOINT_STRINGS.demoResumed(message.step), message.backend)
          : T.common.backendReady(message.backend);
        this.dispatchEvent(new CustomEvent('ready', { detail: { backend: message.backend, step: message.step ?? 0 } }));
        if (message.type === 'generator-ready') {
          this.generatorConditional = message.conditional;
          if (this.hasAttribute('digit') && !message.conditional) this.fail(S.needsLabels);
          this.requestSamples();
        }
        break;
      case 'trained':
        if (!message.stats) break;
        this.statusLine.textContent = S.stats(this.loop.step, message.stats.d_loss, message.stats.g_loss);
        this.dispatchEvent(new CustomEvent('step', { detail: message.stats }));
        break;
      case 'grid':
        this.showGrid(message.pixels, message.columns);
        break;
      case 'samples':
        this.newButton.disabled = false;
        this.showGrid(message.pixels, message.labels ? CLASSES : 8);
        break;
      case 'classes': {
        this.classifying = false;
        const counts = message.counts;
        const words = datasetStrings(message.dataset);
        const text = S.counts(counts, words.classes);
        const n = counts.reduce((a, b) => a + b, 0);
        const what = this.mode === 'train' ? S.generatedAt(words.items, this.classifiedStep) : S.fromPretrained(n, words.items);
        this.canvas.setAttribute('aria-label', S.readBy(what, words.classifier, text));
        this.classesLine.textContent = S.readsAs(text);
        break;
      }
      case 'error':
        if (message.about === 'classify') this.classifying = false;
        if (['train-init', 'reset', 'generator-init'].includes(message.about)) this.loop?.setPlaying(false);
        this.fail(message.message);
        break;
      case 'data-error':
        this.fail(T.page.datasetFailed(translateError(message.message)));
        break;
    }
  }
}

customElements.define('webgan-demo', WebganDemo);
