// The latent explorer: a pickable grid of generated digits, and what can be done with the
// latent vectors z behind them. Pick one digit to move it along the eight directions in z that
// change it most (sliders) and, for a conditional model, to draw every digit 0–9 in its
// handwriting; pick a second to see the spherical path between the two, animate it and record
// it. A conditional model also draws a grid of one digit, and writes a number. It talks to the
// model only through a ModelClient (model_client.js), so it works on a pretrained generator or
// a paused trainer alike.
//
// Labels along a path: a conditional model takes one label per digit (a one-hot mix is not
// part of the API), so the path between two picks is drawn once per end's label: one row when
// both are the same digit, two when not. The animation keeps the first pick's label.
import { drawDigits } from './digits_canvas.js';
import { CLASSES, CONDITIONAL_GRID_ROWS, GRID, PIXELS, SIDE } from './protocol.js';
import { T, datasetStrings } from './i18n.js';
import { latestOnly, scaledCopy, slerp, webmType } from './explorer_tools.js';
import { normalNoise, seeded } from './random.js';

const STRINGS = T.explorer;


/** Digits per row of a grid of GRID digits. */
const GRID_COLUMNS = Math.round(Math.sqrt(GRID));
/** Frames in the strip between two picks, ends included. */
const STRIP_FRAMES = 10;
/** Sliders, their range and step, in units of z. */
const SLIDERS = 8;
const SLIDER_RANGE = 3;
const SLIDER_STEP = 0.1;
/** One morph there and back. */
const MORPH_PERIOD_MS = 4000;
/** How much larger the morph canvas and saved PNGs are than the digits. */
const MORPH_SCALE = 6;
const SAVE_SCALE = 4;
/** The longest number "Write a number" draws, and the one it starts with. */
export const MAX_NUMBER_DIGITS = 12;
const DEFAULT_NUMBER = '2026';
/** The picked digit's text alternative waits for the sliders to rest this long. */
const ALT_DELAY_MS = 300;
/** A list of what the classifier reads is spelled out up to this many digits; counts beyond. */
const LISTED_DIGITS = 12;

/** What the classifier reads in `digits`, by the class `names`: spelled out when few, counted when many. */
function readAs(digits, names) {
  if (digits.length <= LISTED_DIGITS) return Array.from(digits, (digit) => names[digit]).join(', ');
  const counts = new Array(CLASSES).fill(0);
  for (const digit of digits) counts[digit] += 1;
  return STRINGS.readCounts(counts, names);
}

export class LatentExplorer {
  /**
   * @param {HTMLElement} container where the explorer builds its markup (a page's element or
   *   a shadow root's)
   * @param {import('./model_client.js').ModelClient} client a loaded model
   * @param {object} [options]
   * @param {string} [options.idPrefix] prefix of every id it creates (default "explorer-")
   * @param {number} [options.headingLevel] level of its section headings (default 3)
   * @param {number} [options.seed] seeds its noise (default: random)
   * @param {string} [options.text] the number "Write a number" starts with
   * @param {(detail: {index: number, z: Float32Array, label: number|null}) => void} [options.onPick]
   * @param {(pixels: Uint8Array) => void} [options.onGrid] after each grid is drawn
   * @param {(message: string) => void} [options.onError]
   */
  constructor(container, client, options = {}) {
    this.client = client;
    this.options = options;
    this.random = seeded(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    this.conditional = client.conditional;
    this.latentDim = client.latentDim;
    /** Digits, or clothes: the class names of its buttons; only digits write numbers. */
    this.words = datasetStrings(client.dataset);
    this.digits = this.words === datasetStrings('mnist');
    /** Its strings: the digits', or with the clothes' words where they differ. */
    this.S = this.digits ? T.explorer : { ...T.explorer, ...T.explorerClothes };
    this.recordType = webmType();
    /** What the tests and the bench read; hosts expose it (window.webgan.explorer, …). */
    this.state = {
      conditional: this.conditional, latentDim: this.latentDim, grids: 0, gridDigit: null, columns: 0,
      picked: [], sliders: 0, strengths: null, sliderRedraws: 0, redrawsPerSecond: 0,
      stripFrames: 0, stripRows: 0, animating: false, animationFrames: 0, maxInFlight: 0,
      styleDraws: 0, number: null, recordings: 0, recordingBytes: 0, recordSupported: this.recordType !== null,
      alts: {}, lastAlt: '', errors: [],
    };
    this.grid = null; // { noise, labels, pixels, count, columns, digit, read }
    this.picks = []; // grid indices, oldest first, at most two
    this.focus = null; // the latest pick: { index, z, label, directions, values }
    this.epoch = 0; // bumped whenever the picks or the grid change: older replies are dropped
    this.cursor = 0; // the grid cell that Tab reaches
    this.inFlight = 0;
    this.redrawTimes = [];
    this.animating = false;
    this.handwriting = normalNoise(this.latentDim, this.random);
    this.requestedDigit = null;

    this.build(container, options.idPrefix ?? 'explorer-', options.headingLevel ?? 3);
    this.gridJob = latestOnly(() => this.drawGrid());
    this.pickedJob = latestOnly(() => this.drawPicked());
    this.styleJob = latestOnly(() => this.drawStyle());
    this.stripJob = latestOnly(() => this.drawStrip());
    this.numberJob = latestOnly(() => this.drawNumber());
    this.tick = (now) => this.animationFrame(now);
  }

  /** Class `c`'s name ('7', or 'Bag' for clothes); null for null or undefined. */
  name(c) {
    return c === null || c === undefined ? null : this.words.classes[c];
  }

  // --- Markup ------------------------------------------------------------------------------

  build(container, prefix, level) {
    const part = (name) => `id="${prefix}${name}" data-part="${name}"`;
    const h = (id, text) => `<h${level} id="${prefix}${id}" class="explorer-heading">${text}</h${level}>`;
    const digits = this.words.classes.map((name, d) =>
      `<button type="button" data-digit="${d}" aria-pressed="false" aria-label="${this.digits ? this.S.digitButton(d) : this.S.classButton(name)}">${name}</button>`).join('');
    const sliders = Array.from({ length: SLIDERS }, (_, k) => `
      <div class="explorer-slider">
        <label for="${prefix}slider-${k}">${this.S.slider(k)}</label>
        <input id="${prefix}slider-${k}" data-slider="${k}" type="range" min="${-SLIDER_RANGE}" max="${SLIDER_RANGE}" step="${SLIDER_STEP}" value="0" disabled>
        <output for="${prefix}slider-${k}">0.0</output>
      </div>`).join('');
    container.innerHTML = `
      <div class="explorer">
        <div class="explorer-toolbar">
          <button type="button" class="primary" ${part('new-samples')}>${this.S.newSamples}</button>
          <div class="explorer-digits" role="group" aria-label="${this.S.digitGroup}" ${part('digits')}>${digits}</div>
          <button type="button" ${part('download-grid')}>${this.S.downloadGrid}</button>
        </div>
        <p class="note" ${part('no-labels')} hidden>${this.S.noLabels}</p>
        <div class="explorer-main">
          <div class="explorer-left">
            <figure class="explorer-grid-figure">
              <div class="explorer-grid-wrap">
                <canvas ${part('samples')} width="${GRID_COLUMNS * SIDE}" height="${GRID_COLUMNS * SIDE}" role="img" aria-label="${this.S.gridLoading}"></canvas>
                <div class="explorer-cells" role="group" aria-label="${this.S.cellsGroup}" ${part('cells')}></div>
              </div>
              <figcaption ${part('grid-caption')}>${this.S.gridCaption(this.conditional)}</figcaption>
            </figure>
            <p class="explorer-status" role="status" aria-live="polite" ${part('status')}></p>
          </div>
          <div class="explorer-right">
            <section class="explorer-panel" aria-labelledby="${prefix}picked-title" ${part('picked')} hidden>
              ${h('picked-title', this.S.pickedTitle)}
              <div class="explorer-picked">
                <figure>
                  <canvas class="explorer-big" ${part('picked-digit')} width="${SIDE}" height="${SIDE}" role="img" aria-label="${this.S.pickedAlt(null)}"></canvas>
                  <figcaption ${part('picked-caption')}></figcaption>
                </figure>
                <fieldset class="explorer-sliders" ${part('sliders')}>
                  <legend>${this.S.slidersLegend}</legend>
                  <p class="note" ${part('sliders-note')}></p>
                  ${sliders}
                  <div class="explorer-slider-foot">
                    <button type="button" ${part('reset-sliders')} disabled>${this.S.resetSliders}</button>
                    <output class="note" ${part('redraw-rate')}></output>
                  </div>
                </fieldset>
              </div>
              <figure class="explorer-style" ${part('style-figure')} hidden>
                <canvas class="explorer-row" ${part('style')} width="${CLASSES * SIDE}" height="${SIDE}" role="img" aria-label="${this.S.styleAlt(null)}"></canvas>
                <figcaption>${this.S.styleCaption}</figcaption>
              </figure>
            </section>
            <section class="explorer-panel" aria-labelledby="${prefix}between-title" ${part('between')} hidden>
              ${h('between-title', this.S.betweenTitle)}
              <figure>
                <canvas class="explorer-row" ${part('strip')} width="${STRIP_FRAMES * SIDE}" height="${SIDE}" role="img" aria-label="${this.S.stripAlt([])}"></canvas>
                <figcaption ${part('strip-caption')}></figcaption>
              </figure>
              <div class="explorer-morph">
                <canvas class="explorer-big" ${part('morph')} width="${SIDE * MORPH_SCALE}" height="${SIDE * MORPH_SCALE}" role="img" aria-label="${this.S.morphAlt(0, 1)}"></canvas>
                <div class="explorer-buttons">
                  <button type="button" aria-pressed="false" ${part('animate')}>${this.S.animate}</button>
                  <button type="button" ${part('record')}>${this.S.record}</button>
                  <p class="note" ${part('record-note')}></p>
                  <a ${part('recording')} download="webgan-morph.webm" hidden></a>
                </div>
              </div>
            </section>
            <section class="explorer-panel" aria-labelledby="${prefix}number-title" ${part('number')} hidden>
              ${h('number-title', this.S.numberTitle)}
              <div class="explorer-number-form">
                <label>${this.S.numberLabel(MAX_NUMBER_DIGITS)}
                  <input type="text" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="${MAX_NUMBER_DIGITS}"
                         aria-describedby="${prefix}number-error" ${part('number-text')}>
                </label>
                <button type="button" ${part('new-handwriting')}>${this.S.newHandwriting}</button>
                <button type="button" ${part('download-number')}>${this.S.downloadNumber}</button>
              </div>
              <p class="explorer-error" aria-live="polite" ${part('number-error')}></p>
              <canvas class="explorer-number" ${part('number-canvas')} width="${SIDE}" height="${SIDE}" role="img" aria-label="${this.S.numberAlt('', null)}"></canvas>
            </section>
          </div>
        </div>
      </div>`;
    this.root = container.querySelector('.explorer');
    this.part = (name) => this.root.querySelector(`[data-part="${name}"]`);
    this.sliders = [...this.root.querySelectorAll('input[data-slider]')];
    this.part('number-text').value = this.options.text ?? DEFAULT_NUMBER;

    this.part('new-samples').addEventListener('click', () => this.newGrid(null));
    for (const button of this.part('digits').querySelectorAll('button')) {
      button.addEventListener('click', () => this.newGrid(Number(button.dataset.digit)));
    }
    this.part('digits').hidden = !this.conditional;
    this.part('no-labels').hidden = this.conditional;
    this.part('number').hidden = !this.conditional || !this.digits;
    this.part('download-grid').addEventListener('click', () => this.save(this.part('samples'), 'webgan-digits.png'));
    this.part('cells').addEventListener('keydown', (event) => this.moveCursor(event));
    for (const slider of this.sliders) {
      slider.addEventListener('input', () => this.slide(Number(slider.dataset.slider), Number(slider.value)));
      // The handwriting row follows when a slider comes to rest.
      slider.addEventListener('change', () => this.redrawStyle());
    }
    this.part('reset-sliders').addEventListener('click', () => this.resetSliders());
    this.part('animate').addEventListener('click', () => this.setAnimating(!this.animating));
    const record = this.part('record');
    record.addEventListener('click', () => this.record());
    record.disabled = this.recordType === null;
    this.part('record-note').textContent = this.recordType === null ? this.S.recordUnsupported : '';
    this.part('number-text').addEventListener('input', () => this.numberJob());
    this.part('new-handwriting').addEventListener('click', () => this.newHandwriting());
    this.part('download-number').addEventListener('click', () => this.save(this.part('number-canvas'), 'webgan-number.png'));
  }

  // --- Messages ----------------------------------------------------------------------------

  say(text) { this.part('status').textContent = text; }

  report(error) {
    if (this.destroyed) return; // a request that outlived it, answered by the model that replaced it
    const message = error?.message ?? String(error);
    this.state.errors.push(message);
    this.say(this.S.failed(message));
    this.options.onError?.(message);
  }

  setAlt(canvas, kind, text) {
    canvas.setAttribute('aria-label', text);
    this.state.alts[kind] = text;
    this.state.lastAlt = text;
  }

  /** Every request of the explorer goes through here, which counts those in flight. */
  async generate(noise, labels) {
    this.inFlight += 1;
    this.state.maxInFlight = Math.max(this.state.maxInFlight, this.inFlight);
    try {
      return await this.client.generate(noise, this.conditional ? labels : null);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** What the classifier reads in `pixels`, or null where it cannot say (reported). */
  async read(pixels) {
    try {
      return await this.client.classify(pixels);
    } catch (error) {
      this.report(error);
      return null;
    }
  }

  // --- The grid ----------------------------------------------------------------------------

  /**
   * Draws a new grid: GRID digits of `digit` (a conditional model), or, with `digit` null,
   * fresh samples (a conditional model's in one column per digit). Resolves once it is drawn.
   */
  newGrid(digit = null) {
    if (digit !== null && !(this.conditional && Number.isInteger(digit) && digit >= 0 && digit < CLASSES)) {
      this.report(new Error(this.conditional ? this.S.digitRange(digit) : this.S.noLabels));
      return Promise.resolve();
    }
    this.requestedDigit = digit;
    this.say(this.S.drawing(this.name(digit)));
    return this.gridJob();
  }

  async drawGrid() {
    const digit = this.requestedDigit;
    const byColumn = this.conditional && digit === null;
    const count = byColumn ? CONDITIONAL_GRID_ROWS * CLASSES : GRID;
    const columns = byColumn ? CLASSES : GRID_COLUMNS;
    const labels = this.conditional ? Uint8Array.from({ length: count }, (_, i) => (byColumn ? i % CLASSES : digit)) : null;
    const noise = normalNoise(count * this.latentDim, this.random);
    const canvas = this.part('samples');
    canvas.parentElement.setAttribute('aria-busy', 'true');
    let pixels;
    try {
      pixels = await this.generate(noise, labels);
    } catch (error) {
      this.report(error);
      return;
    } finally {
      canvas.parentElement.removeAttribute('aria-busy');
    }
    if (digit !== this.requestedDigit) return; // a newer grid was asked for: it comes next
    this.grid = { noise, labels, pixels, count, columns, digit, read: null };
    this.picks = [];
    drawDigits(canvas, pixels, columns);
    this.buildCells();
    this.setPicks([]);
    for (const button of this.part('digits').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(Number(button.dataset.digit) === digit));
    }
    Object.assign(this.state, { grids: this.state.grids + 1, gridDigit: digit, columns, gridRead: null });
    this.setAlt(canvas, 'grid', this.S.gridAlt(count, this.name(digit), null));
    this.say(this.S.drawn(count, this.name(digit)));
    this.options.onGrid?.(pixels);
    const grid = this.grid;
    const read = await this.read(pixels);
    if (!read || grid !== this.grid) return;
    grid.read = read;
    this.state.gridRead = Array.from(read);
    this.setAlt(canvas, 'grid', this.S.gridAlt(count, this.name(digit), readAs(read, this.words.classes)));
    this.labelCells();
  }

  /** One transparent button over each digit; Tab reaches one of them, the arrow keys the rest. */
  buildCells() {
    const cells = this.part('cells');
    const hadFocus = cells.contains(this.root.getRootNode().activeElement);
    const { count, columns } = this.grid;
    cells.style.gridTemplateColumns = `repeat(${columns}, 1fr)`;
    cells.replaceChildren(...Array.from({ length: count }, (_, index) => {
      const cell = document.createElement('button');
      cell.type = 'button';
      cell.className = 'explorer-cell';
      cell.dataset.index = index;
      cell.setAttribute('aria-pressed', 'false');
      cell.addEventListener('click', () => this.pick(index));
      cell.addEventListener('focus', () => this.setCursor(index));
      return cell;
    }));
    this.cursor = Math.min(this.cursor, count - 1);
    this.labelCells();
    this.setCursor(this.cursor);
    if (hadFocus) cells.children[this.cursor].focus();
  }

  labelCells() {
    const { labels, read } = this.grid;
    for (const cell of this.part('cells').children) {
      const index = Number(cell.dataset.index);
      const order = this.picks.indexOf(index);
      cell.setAttribute('aria-label', this.S.cell(index, { label: labels ? this.name(labels[index]) : null, read: read ? this.name(read[index]) : null, order }));
    }
  }

  setCursor(index) {
    this.cursor = index;
    for (const cell of this.part('cells').children) cell.tabIndex = Number(cell.dataset.index) === index ? 0 : -1;
  }

  /** Arrow keys, Home and End move among the digits; Enter and Space (native) pick. */
  moveCursor(event) {
    if (!this.grid) return;
    const { count, columns } = this.grid;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns };
    let next;
    if (event.key in moves) next = this.cursor + moves[event.key];
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = count - 1;
    else return;
    event.preventDefault();
    if (next < 0 || next >= count) return;
    this.setCursor(next);
    this.part('cells').children[next].focus();
  }

  // --- Picks -------------------------------------------------------------------------------

  /** The latent vector of grid digit `index` (a copy). */
  zOf(index) {
    return this.grid.noise.slice(index * this.latentDim, (index + 1) * this.latentDim);
  }

  labelOf(index) { return this.grid.labels ? this.grid.labels[index] : null; }

  /**
   * Picks grid digit `index`, or unpicks it when picked. The latest pick gets the sliders;
   * the two latest are the ends of the path.
   */
  pick(index) {
    if (!this.grid || !Number.isInteger(index) || index < 0 || index >= this.grid.count) return;
    const picks = this.picks.filter((p) => p !== index);
    const added = picks.length === this.picks.length;
    if (added) picks.push(index);
    this.setPicks(picks.slice(-2));
    const read = this.grid.read ? this.grid.read[index] : null;
    if (!added) this.say(this.S.unpicked(index));
    else if (this.picks.length === 2) this.say(this.S.between(this.picks[0], this.picks[1]));
    else this.say(this.S.picked(index, this.name(read)));
    if (added) this.options.onPick?.({ index, z: this.zOf(index), label: this.labelOf(index) });
  }

  setPicks(picks) {
    this.picks = picks;
    this.epoch += 1;
    this.state.picked = [...picks];
    for (const cell of this.part('cells').children) {
      const order = picks.indexOf(Number(cell.dataset.index));
      cell.setAttribute('aria-pressed', String(order >= 0));
      cell.replaceChildren();
      if (order >= 0) {
        const badge = document.createElement('span');
        badge.className = 'explorer-badge';
        badge.setAttribute('aria-hidden', 'true');
        badge.textContent = order + 1;
        cell.append(badge);
      }
    }
    if (this.grid) this.labelCells();
    this.showPicked();
    this.showBetween();
  }

  /** The latest pick, big, with its sliders and (conditional) its handwriting in every digit. */
  showPicked() {
    const section = this.part('picked');
    const index = this.picks.at(-1);
    if (index === undefined) {
      this.focus = null;
      section.hidden = true;
      return;
    }
    if (this.focus?.index === index) return;
    const label = this.labelOf(index);
    this.focus = { index, z: this.zOf(index), label, directions: null, values: new Float32Array(SLIDERS) };
    section.hidden = false;
    this.part('picked-caption').textContent = this.S.pickedCaption(index, this.name(label));
    const pixels = this.grid.pixels.slice(index * PIXELS, (index + 1) * PIXELS);
    drawDigits(this.part('picked-digit'), pixels, 1);
    const read = this.grid.read ? this.grid.read[index] : null;
    this.setAlt(this.part('picked-digit'), 'picked', this.S.pickedAlt(this.name(read)));
    for (const slider of this.sliders) {
      slider.value = 0;
      slider.disabled = true;
      slider.nextElementSibling.textContent = (0).toFixed(1);
    }
    this.part('reset-sliders').disabled = true;
    this.state.sliders = 0;
    this.part('style-figure').hidden = !this.conditional;
    if (this.conditional) this.redrawStyle();
    this.findDirections(this.focus);
  }

  async findDirections(focus) {
    const note = this.part('sliders-note');
    note.textContent = this.S.findingDirections;
    let found;
    try {
      found = await this.client.directions(focus.z, focus.label ?? undefined, SLIDERS);
    } catch (error) {
      if (focus === this.focus) note.textContent = this.S.noDirections(error.message);
      this.report(error);
      return;
    }
    if (focus !== this.focus) return;
    const count = Math.min(SLIDERS, Math.floor(found.directions.length / this.latentDim));
    focus.directions = found.directions;
    note.textContent = '';
    this.sliders.forEach((slider, k) => {
      slider.disabled = k >= count;
      slider.title = k < count ? this.S.sliderStrength(found.strengths[k]) : '';
    });
    this.part('reset-sliders').disabled = false;
    this.state.sliders = count;
    this.state.strengths = Array.from(found.strengths);
  }

  /** z of the latest pick moved along the sliders. */
  movedZ(focus) {
    const z = Float32Array.from(focus.z);
    if (!focus.directions) return z;
    focus.values.forEach((value, k) => {
      if (!value) return;
      const direction = focus.directions.subarray(k * this.latentDim, (k + 1) * this.latentDim);
      for (let i = 0; i < z.length; i++) z[i] += value * direction[i];
    });
    return z;
  }

  slide(k, value) {
    if (!this.focus) return;
    this.focus.values[k] = value;
    this.sliders[k].nextElementSibling.textContent = value.toFixed(1);
    this.pickedJob();
  }

  resetSliders() {
    if (!this.focus) return;
    this.focus.values.fill(0);
    for (const slider of this.sliders) {
      slider.value = 0;
      slider.nextElementSibling.textContent = (0).toFixed(1);
    }
    this.pickedJob().then(() => this.redrawStyle());
  }

  /** Redraws the picked digit from the sliders' latest values (one request in flight at most). */
  async drawPicked() {
    const focus = this.focus;
    if (!focus) return;
    const label = focus.label === null ? null : Uint8Array.of(focus.label);
    let pixels;
    try {
      pixels = await this.generate(this.movedZ(focus), label);
    } catch (error) {
      this.report(error);
      return;
    }
    if (focus !== this.focus) return;
    const canvas = this.part('picked-digit');
    drawDigits(canvas, pixels, 1);
    this.state.sliderRedraws += 1;
    const now = performance.now();
    this.redrawTimes = this.redrawTimes.filter((t) => now - t < 1000);
    this.redrawTimes.push(now);
    this.state.redrawsPerSecond = this.redrawTimes.length;
    this.part('redraw-rate').textContent = this.S.rate(this.redrawTimes.length);
    // Its text alternative once the sliders rest: a classifier pass per redraw would halve the rate.
    clearTimeout(this.altTimer);
    this.altTimer = setTimeout(async () => {
      const read = await this.read(pixels);
      if (read && focus === this.focus) this.setAlt(canvas, 'picked', this.S.pickedAlt(this.name(read[0])));
    }, ALT_DELAY_MS);
  }

  redrawStyle() {
    if (this.conditional && this.focus) this.styleJob();
  }

  /** The latest pick's z, sliders included, asked for as each digit 0–9. */
  async drawStyle() {
    const focus = this.focus;
    if (!focus) return;
    const z = this.movedZ(focus);
    const noise = new Float32Array(CLASSES * this.latentDim);
    for (let d = 0; d < CLASSES; d++) noise.set(z, d * this.latentDim);
    let pixels;
    try {
      pixels = await this.generate(noise, Uint8Array.from({ length: CLASSES }, (_, d) => d));
    } catch (error) {
      this.report(error);
      return;
    }
    if (focus !== this.focus) return;
    const canvas = this.part('style');
    drawDigits(canvas, pixels, CLASSES);
    this.state.styleDraws += 1;
    const read = await this.read(pixels);
    if (read && focus === this.focus) {
      this.state.styleRead = Array.from(read);
      this.setAlt(canvas, 'style', this.S.styleAlt(this.S.readList(Array.from(read, (c) => this.name(c))).toLowerCase()));
    }
  }

  // --- Between two picks -------------------------------------------------------------------

  /** The path between the two picks: its latent vectors and the label rows it is drawn with. */
  path() {
    const [a, b] = this.picks;
    const labels = [...new Set([this.labelOf(a), this.labelOf(b)])];
    return { a, b, za: this.zOf(a), zb: this.zOf(b), labels };
  }

  showBetween() {
    const section = this.part('between');
    this.setAnimating(false);
    if (this.picks.length < 2) {
      section.hidden = true;
      this.state.stripFrames = 0;
      return;
    }
    section.hidden = false;
    const { a, b, labels } = this.path();
    this.part('strip-caption').textContent = this.S.stripCaption(a, b, labels);
    this.part('morph').setAttribute('aria-label', this.S.morphAlt(a, b));
    this.stripJob();
  }

  async drawStrip() {
    if (this.picks.length < 2) return;
    const epoch = this.epoch;
    const { za, zb, labels } = this.path();
    const frames = Array.from({ length: STRIP_FRAMES }, (_, k) => slerp(za, zb, k / (STRIP_FRAMES - 1)));
    const noise = new Float32Array(labels.length * STRIP_FRAMES * this.latentDim);
    labels.forEach((_, row) => frames.forEach((z, k) => noise.set(z, (row * STRIP_FRAMES + k) * this.latentDim)));
    const rowLabels = Uint8Array.from({ length: labels.length * STRIP_FRAMES }, (_, i) => labels[Math.floor(i / STRIP_FRAMES)] ?? 0);
    let pixels;
    try {
      pixels = await this.generate(noise, rowLabels);
    } catch (error) {
      this.report(error);
      return;
    }
    if (epoch !== this.epoch) return;
    const canvas = this.part('strip');
    drawDigits(canvas, pixels, STRIP_FRAMES);
    if (!this.animating) this.drawMorph(pixels.subarray(0, PIXELS));
    Object.assign(this.state, { stripFrames: STRIP_FRAMES, stripRows: labels.length });
    const read = await this.read(pixels);
    if (!read || epoch !== this.epoch) return;
    const rows = labels.map((label, row) => this.S.stripRow(this.name(label), readAs(read.subarray(row * STRIP_FRAMES, (row + 1) * STRIP_FRAMES), this.words.classes)));
    this.state.stripRead = Array.from(read);
    this.setAlt(canvas, 'strip', this.S.stripAlt(rows));
  }

  /** Draws one digit, MORPH_SCALE times larger, on the morph canvas (which is also what is recorded). */
  drawMorph(pixels) {
    this.morphDigit ??= document.createElement('canvas');
    const digit = this.morphDigit;
    drawDigits(digit, pixels, 1);
    const canvas = this.part('morph');
    const context = canvas.getContext('2d');
    context.imageSmoothingEnabled = false;
    context.drawImage(digit, 0, 0, canvas.width, canvas.height);
  }

  setAnimating(on) {
    if (on && this.picks.length < 2) return;
    if (!on && this.recorder?.state === 'recording') this.recorder.stop();
    if (on === this.animating) return;
    this.animating = on;
    this.state.animating = on;
    const button = this.part('animate');
    button.textContent = on ? this.S.pause : this.S.animate;
    button.setAttribute('aria-pressed', String(on));
    if (on) {
      this.morphStart = performance.now();
      this.frame = requestAnimationFrame(this.tick);
    } else {
      cancelAnimationFrame(this.frame);
    }
  }

  /**
   * One animation frame: asks for the digit at this moment's point of the path, unless the
   * previous frame's digit is still on its way (then this frame draws nothing new).
   */
  animationFrame(now) {
    if (!this.animating) return;
    this.frame = requestAnimationFrame(this.tick);
    if (this.morphInFlight) return;
    const phase = ((now - this.morphStart) % MORPH_PERIOD_MS) / MORPH_PERIOD_MS;
    const t = 0.5 - 0.5 * Math.cos(2 * Math.PI * phase); // 0 → 1 → 0, easing at the ends
    const { za, zb } = this.path();
    const label = this.labelOf(this.picks[0]);
    const epoch = this.epoch;
    this.morphInFlight = true;
    this.generate(slerp(za, zb, t), label === null ? null : Uint8Array.of(label))
      .then((pixels) => {
        if (epoch !== this.epoch || !this.animating) return;
        this.drawMorph(pixels);
        this.state.animationFrames += 1;
      })
      .catch((error) => {
        this.setAnimating(false);
        this.report(error);
      })
      .finally(() => { this.morphInFlight = false; });
  }

  /** Records one morph there and back as WebM, then offers it as a download; pressed again, stops early. */
  record() {
    if (this.recorder) {
      if (this.recorder.state === 'recording') this.recorder.stop();
      return;
    }
    if (!this.recordType || this.picks.length < 2) return;
    const wasAnimating = this.animating;
    const stream = this.part('morph').captureStream(30);
    const recorder = new MediaRecorder(stream, { mimeType: this.recordType });
    const chunks = [];
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener('stop', () => {
      clearTimeout(this.recordTimer);
      for (const track of stream.getTracks()) track.stop();
      this.recorder = null;
      this.part('record').textContent = this.S.record;
      if (!wasAnimating) this.setAnimating(false);
      const blob = new Blob(chunks, { type: 'video/webm' });
      const link = this.part('recording');
      if (link.href) URL.revokeObjectURL(link.href);
      link.href = URL.createObjectURL(blob);
      link.textContent = this.S.recordingLink(Math.max(1, Math.round(blob.size / 1024)));
      link.hidden = false;
      this.state.recordings += 1;
      this.state.recordingBytes = blob.size;
      this.say(this.S.recordingDone);
    });
    this.recorder = recorder;
    this.part('record').textContent = this.S.stopRecording;
    this.setAnimating(true);
    this.morphStart = performance.now();
    recorder.start();
    this.recordTimer = setTimeout(() => recorder.state !== 'inactive' && recorder.stop(), MORPH_PERIOD_MS);
  }

  // --- Write a number ----------------------------------------------------------------------

  /** Shows `text` in the number field and draws it. */
  setText(text) {
    this.part('number-text').value = String(text ?? '');
    return this.numberJob();
  }

  newHandwriting() {
    this.handwriting = normalNoise(this.latentDim, this.random);
    return this.numberJob();
  }

  async drawNumber() {
    if (!this.conditional) return;
    const input = this.part('number-text');
    const error = this.part('number-error');
    const text = input.value.trim();
    const problem = text === '' ? this.S.numberEmpty(MAX_NUMBER_DIGITS)
      : !/^[0-9]+$/.test(text) || text.length > MAX_NUMBER_DIGITS ? this.S.numberInvalid(MAX_NUMBER_DIGITS) : null;
    input.setAttribute('aria-invalid', String(problem !== null));
    error.textContent = problem ?? '';
    if (problem) return;
    const handwriting = this.handwriting;
    const noise = new Float32Array(text.length * this.latentDim);
    for (let i = 0; i < text.length; i++) noise.set(handwriting, i * this.latentDim);
    let pixels;
    try {
      pixels = await this.generate(noise, Uint8Array.from(text, Number));
    } catch (failure) {
      this.report(failure);
      return;
    }
    const canvas = this.part('number-canvas');
    drawDigits(canvas, pixels, text.length);
    canvas.style.setProperty('--digits', text.length);
    this.state.number = { text, read: null };
    this.setAlt(canvas, 'number', this.S.numberAlt(text, null));
    const read = await this.read(pixels);
    if (!read || input.value.trim() !== text || handwriting !== this.handwriting) return;
    this.state.number = { text, read: Array.from(read) };
    this.setAlt(canvas, 'number', this.S.numberAlt(text, this.S.readList(Array.from(read))));
  }

  // --- Saving ------------------------------------------------------------------------------

  /** Downloads `canvas`, SAVE_SCALE times larger, as a PNG named `name`. */
  save(canvas, name) {
    scaledCopy(canvas, SAVE_SCALE).toBlob((blob) => {
      if (!blob) return this.report(new Error(this.S.pngFailed));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      link.hidden = true;
      this.root.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    }, 'image/png');
  }

  // --- Start and stop ----------------------------------------------------------------------

  /** Draws the first grid (of `digit`, for a conditional model) and, if conditional, the number. */
  async start(digit = null) {
    await this.newGrid(digit);
    if (this.conditional) await this.numberJob();
  }

  /** Stops the animation and any recording, and stays silent from now on; the host closes the session. */
  destroy() {
    this.destroyed = true;
    this.setAnimating(false);
    clearTimeout(this.altTimer);
  }
}
