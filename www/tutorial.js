// The tutorial's live widgets. Each has its own session on the worker that <webgan-demo>
// elements share, so the whole page runs one wasm module and downloads the digits once.
import { drawDigits } from './digits_canvas.js';
import { LatentExplorer } from './explorer.js';
import { FoolD } from './fool_d.js';
import { T, languageSwitch, localize, translateError } from './i18n.js';
import { ModelClient } from './model_client.js';
import { PRESETS } from './presets.js';
import { CONDITIONAL_GENERATOR_URL, DATA_URL as DATA, LABELS_URL, PIXELS, QUALITY_EVERY, QUALITY_SAMPLES } from './protocol.js';
import { qualityPanel } from './quality_panel.js';
import { openSession } from './session.js';

const $ = (id) => document.getElementById(id);
const S = T.tutorial;
localize();
document.querySelector('header').append(languageSwitch());
const params = new URLSearchParams(location.search);
const BACKEND = params.get('backend') ?? 'cpu';

/** What the e2e tests read: each widget's latest result. */
const state = (window.tutorial = { what: null, networks: null, loop: [], foolD: null, learning: 0, unstable: null, explore: null, errors: [] });

const first = (pixels, n) => pixels.subarray(0, n * PIXELS);
const show = (canvas, pixels, label, columns = Math.sqrt(pixels.length / PIXELS)) => {
  drawDigits(canvas, pixels, columns);
  canvas.setAttribute('aria-label', label);
};
const fail = (status) => (message) => {
  state.errors.push(message.message);
  status.textContent = T.common.error(translateError(message.message));
};
const options = (presetId, extra = {}) => ({
  ...PRESETS.find((p) => p.id === presetId).settings, backend: BACKEND, seed: 42, batchSize: 64, ...extra,
});
// Chapters 1 to 3 take apart the classic GAN, one hidden layer in each network, as the text says.
const CLASSIC = { depth: 1 };

// 1. Real digits next to the untrained generator's output.
{
  const status = $('what-status');
  const session = openSession((m) => {
    if (m.type === 'grid') {
      show($('what-fake'), first(m.pixels, 16), S.whatFakeAlt);
      state.what = { ...state.what, fake: true };
      session.send({ type: 'real', n: 16 });
    } else if (m.type === 'real') {
      if (!m.pixels) return setTimeout(() => session.send({ type: 'real', n: 16 }), 200);
      show($('what-real'), m.pixels, S.whatRealAlt);
      state.what = { ...state.what, real: true };
      status.textContent = S.whatDone;
    } else if (m.type === 'error') fail(status)(m);
  });
  session.send({ type: 'train-init', options: options('default', CLASSIC), source: DATA });
}

// 2. The networks' layers, read from the model, and D's verdict on the untrained G.
{
  const status = $('networks-verdict');
  const body = $('networks-table').tBodies[0];
  const session = openSession((m) => {
    if (m.type === 'ready') session.send({ type: 'describe' });
    else if (m.type === 'layers') {
      body.replaceChildren(...m.layers.map(({ name, shape, count }) => {
        const row = document.createElement('tr');
        for (const text of [name, shape.join(' × '), count.toLocaleString()]) {
          row.append(Object.assign(document.createElement('td'), { textContent: text }));
        }
        return row;
      }));
      const total = (prefix) => m.layers.filter((l) => l.name.startsWith(prefix)).reduce((a, l) => a + l.count, 0);
      $('networks-table').caption.textContent = S.networksTotals(total('generator.'), total('discriminator.'));
      state.networks = { architecture: $('networks-architecture').value, layers: m.layers };
      session.send({ type: 'verdict' });
    } else if (m.type === 'grid') {
      show($('networks-fake'), first(m.pixels, 16), S.networksFakeAlt);
    } else if (m.type === 'verdict') {
      if (!m.verdict) return setTimeout(() => session.send({ type: 'verdict' }), 200);
      const { fake, scores } = m.verdict;
      status.textContent = S.networksVerdict(fake, Math.min(...scores), Math.max(...scores));
      state.networks = { ...state.networks, verdict: m.verdict };
    } else if (m.type === 'error') fail(status)(m);
  });
  const start = () => session.send({ type: 'train-init', options: ($('networks-architecture').value === 'dcgan' ? options('dcgan') : options('default', CLASSIC)), source: DATA });
  $('networks-architecture').addEventListener('change', start);
  start();
}

// 3. Step D and G separately and watch D(x) and D(G(z)).
{
  const status = $('loop-verdict');
  const history = $('loop-history');
  const buttons = [$('loop-d'), $('loop-g'), $('loop-reset')];
  let last = 'start';
  const enable = (on) => { for (const b of buttons) b.disabled = !on; };
  // "Can you fool D?" judges with this session's D: its requests share the session.
  let client = null;
  let foolD = null;
  const session = openSession((m) => {
    if (client.receive(m)) return;
    if (m.type === 'ready') session.send({ type: 'verdict' });
    else if (m.type === 'grid') show($('loop-fake'), first(m.pixels, 16), S.loopGridAlt(state.loop.length));
    else if (m.type === 'verdict') {
      if (!m.verdict) return setTimeout(() => session.send({ type: 'verdict' }), 200);
      const { real, fake } = m.verdict;
      const entry = { after: last, real, fake };
      state.loop.push(entry);
      status.textContent = S.loopVerdict(real, fake);
      const item = document.createElement('li');
      item.textContent = S.loopEntry(last, real, fake);
      history.prepend(item);
      enable(true);
      if (last !== 'G' && foolD.state.d === 'session') foolD.rejudge(); // a new or retrained D
    } else if (m.type === 'error') { fail(status)(m); enable(true); }
  });
  const half = (network) => () => { enable(false); last = network === 'discriminator' ? 'D' : 'G'; session.send({ type: 'half-step', network }); };
  $('loop-d').addEventListener('click', half('discriminator'));
  $('loop-g').addEventListener('click', half('generator'));
  const reset = () => {
    enable(false);
    last = 'start';
    state.loop = [];
    history.replaceChildren();
    session.send({ type: 'train-init', options: options('default', CLASSIC), source: DATA });
  };
  $('loop-reset').addEventListener('click', reset);
  client = new ModelClient(session.send);
  foolD = new FoolD($('fool-d-host'), client, { idPrefix: 'loop-fool-d-', onError: (message) => state.errors.push(message) });
  state.foolD = foolD.state;
  reset();
}

// 4. Live training: the <webgan-demo> element plus the loss charts, fed by its step events.
{
  const demo = $('learning-demo');
  const { LiveCharts } = await import('./charts.js');
  const charts = new LiveCharts($('learning-loss'), $('learning-prob'));
  demo.addEventListener('step', (event) => { charts.push(event.detail); state.learning = event.detail.step; });
  demo.addEventListener('error', (event) => state.errors.push(event.detail.message));
}

// 5. Mode collapse with the textbook preset, and what fixes it.
{
  const status = $('unstable-status');
  const panel = qualityPanel($('unstable-quality'));
  // What is training: a preset, or a preset with one fix added (a button's data-options),
  // named by the button's data-id and label.
  let preset = null;
  let running = false;
  let step = 0;
  const session = openSession((m) => {
    if (m.type === 'ready') { running = true; train(); }
    else if (m.type === 'trained') {
      if (!m.stats) return setTimeout(train, 100);
      step = m.stats.step;
      status.textContent = S.unstableStep(preset.name, step);
      if (step % QUALITY_EVERY === 0) session.send({ type: 'quality', n: QUALITY_SAMPLES });
      else train();
    } else if (m.type === 'quality') {
      if (m.result) {
        panel({ ...m.result, step });
        state.unstable = { preset: preset.id, step, ...m.result, histogram: Array.from(m.result.histogram) };
      }
      train();
    } else if (m.type === 'grid') {
      show($('unstable-grid'), m.pixels, S.unstableGridAlt(m.columns === 10, m.pixels.length / PIXELS, preset.name, step), m.columns);
      $('unstable-caption').textContent = m.columns === 10 ? S.unstableCaptionConditional : S.unstableCaption;
    } else if (m.type === 'error') fail(status)(m);
  });
  // Batches sized so the next quality check lands on a multiple of QUALITY_EVERY.
  const train = () => {
    if (!running) return;
    const steps = Math.min(preset.settings.architecture === 'dcgan' ? 5 : 50, QUALITY_EVERY - (step % QUALITY_EVERY));
    session.send({ type: 'train', steps, grid: true });
  };
  for (const button of document.querySelectorAll('#w-unstable [data-preset]')) {
    button.addEventListener('click', () => {
      const base = PRESETS.find((p) => p.id === button.dataset.preset);
      const extra = JSON.parse(button.dataset.options ?? '{}');
      preset = button.dataset.options
        ? { id: button.dataset.id, name: button.textContent, settings: { ...base.settings, ...extra } }
        : base;
      running = false;
      step = 0;
      state.unstable = { preset: preset.id, step: 0 };
      status.textContent = S.unstableStarting(preset.name);
      session.send({ type: 'reset', options: options(base.id, extra) });
      session.send({ type: 'load-data', source: DATA, labels: extra.conditional ? LABELS_URL : undefined });
    });
  }
  $('unstable-stop').addEventListener('click', () => { running = false; status.textContent = S.unstableStopped(preset?.name, step); });
}

// 6. The conditional generator in the latent explorer: a digit on request, a path between two
// z's, and the directions that change a digit most. Not awaited: the excerpts need not wait.
(async () => {
  const status = $('explore-status');
  let client = null;
  const session = openSession((m) => { if (!client.receive(m) && m.type === 'error') fail(status)(m); });
  client = new ModelClient(session.send);
  try {
    await client.load(CONDITIONAL_GENERATOR_URL, BACKEND);
  } catch (error) {
    fail(status)(error);
    return;
  }
  status.hidden = true; // the explorer has its own status line
  const explorer = new LatentExplorer($('explore-host'), client, {
    idPrefix: 'explore-', seed: 6, onError: (message) => state.errors.push(message),
  });
  state.explore = explorer.state;
  await explorer.start();
  // A first path to look at: two handwritings of the digit 3 (the grid has one column per digit).
  explorer.pick(3);
  explorer.pick(13);
})();

// Code excerpts, cut from the project's own source (copied to source/ by build.sh).
for (const code of document.querySelectorAll('code[data-file]')) {
  const text = await (await fetch(`source/${code.dataset.file}`)).text();
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.includes(code.dataset.from));
  if (start < 0) { code.textContent = S.excerptMissing(code.dataset.file); continue; }
  const indent = (line) => line.length - line.trimStart().length;
  const opensBlock = lines[start].trimEnd().endsWith('{');
  let end = start + 1;
  // A Rust block ends at its closing brace; a JS object entry where the indentation drops.
  while (end < lines.length && !(opensBlock
    ? lines[end].trimEnd() === `${' '.repeat(indent(lines[start]))}}`
    : lines[end].trim() && indent(lines[end]) < indent(lines[start]))) end++;
  code.textContent = lines.slice(start, end + 1).join('\n');
  code.parentElement.setAttribute('aria-label', S.excerptLabel(code.dataset.file.replace('../', '')));
  code.parentElement.tabIndex = 0;
}
