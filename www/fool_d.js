// "Can you fool D?": the reader draws a digit (or loads a real or a generated one) and sees, as
// it changes, D's verdict on it, from the D of the session the widget lives beside or the
// shipped one, and what the digit classifier reads in it. Its requests go through the
// session's ModelClient (`discriminate`, protocol.js).
import { drawDigits } from './digits_canvas.js';
import { DrawingPad } from './drawing_pad.js';
import { T, datasetStrings } from './i18n.js';
import { toMnist } from './mnist_preprocess.js';
import { PIXELS } from './protocol.js';

const S = T.foolD;
/** A new `tag` element with `props` and `children`. */
function build(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export class FoolD {
  /**
   * @param {HTMLElement} host where the widget is built
   * @param {import('./model_client.js').ModelClient} client the session's client
   * @param {{ idPrefix?: string, onError?: (message: string) => void }} [options]
   */
  constructor(host, client, { idPrefix = 'fool-d-', onError = () => {} } = {}) {
    this.client = client;
    this.onError = onError;
    /** What the e2e tests read: the latest verdict, how many replies have been shown, and whether one is awaited. */
    this.state = { d: 'session', score: null, loss: null, digit: null, agree: null, of: null, source: null, judged: 0, pending: false };
    this.busy = false;
    this.queued = null;
    this.seed = 1;
    this.generation = 0;
    this.pixels = null;

    const name = `${idPrefix}d`;
    const radio = (value, label) => build('label', {}, build('input', { type: 'radio', name, value, checked: value === 'session' }), ` ${label}`);
    this.choice = build('fieldset', { className: 'fool-d-choice' }, build('legend', { textContent: S.whichD }),
      radio('session', S.sessionD), radio('shipped', S.shippedD));
    this.choice.addEventListener('change', (event) => { this.state.d = event.target.value; this.rejudge(); });

    this.canvas = build('canvas', { className: 'fool-d-pad', id: `${idPrefix}pad` });
    this.canvas.setAttribute('role', 'img');
    this.seen = build('canvas', { className: 'fool-d-seen', width: 28, height: 28 });
    this.seen.setAttribute('role', 'img');
    const button = (text, onClick) => {
      const b = build('button', { type: 'button', textContent: text });
      b.addEventListener('click', onClick);
      return b;
    };
    this.buttons = build('div', { className: 'buttons' },
      button(S.loadReal, () => this.pick('real')), button(S.loadGenerated, () => this.pick('generated')), button(S.clear, () => this.clear()));
    this.buttons.setAttribute('role', 'group');
    this.buttons.setAttribute('aria-label', S.buttons);
    this.verdict = build('p', { className: 'fool-d-verdict' });
    this.reading = build('p', { className: 'fool-d-reading' });
    this.status = build('div', { className: 'widget-status' }, this.verdict, this.reading);
    this.status.setAttribute('role', 'status');
    host.classList.add('fool-d');
    host.append(
      build('div', { className: 'fool-d-drawing' }, this.canvas,
        build('figure', {}, this.seen, build('figcaption', { textContent: S.seen }))),
      build('div', { className: 'fool-d-side' }, this.choice, this.buttons, this.status, build('p', { className: 'note', textContent: S.note })),
    );
    this.pad = new DrawingPad(this.canvas, () => this.request('drawing'));
    this.clear();
  }

  /** Blank canvas, no verdict. */
  clear() {
    this.generation += 1;
    this.queued = null;
    this.pad.clear();
    this.pixels = null;
    Object.assign(this.state, { score: null, loss: null, digit: null, agree: null, of: null, source: null });
    this.showText(S.empty, '');
  }

  /** Judges the digit on show again: the chosen D changed, or the session's D trained. */
  rejudge() {
    if (this.pixels) this.request({ images: this.pixels.slice(), source: this.state.source });
  }

  /** A real digit from the session's data, or one from its G, onto the canvas and judged. */
  pick(kind) {
    this.request({ pick: kind, seed: this.seed++, source: kind });
  }

  /**
   * Sends `what` ('drawing': the canvas as it is when the request goes; or `{ images }` or
   * `{ pick, seed }`), one request at a time: while one is out, the latest wish waits.
   */
  async request(what) {
    this.state.pending = true;
    if (this.busy) { this.queued = what; return; }
    let message = what;
    if (what === 'drawing') {
      const { pixels, empty } = toMnist(this.pad.grey(), this.canvas.width, this.canvas.height);
      if (empty) { this.state.pending = false; return this.clear(); }
      message = { images: pixels, source: 'drawn' };
    }
    const { source, ...request } = message;
    const generation = this.generation;
    this.busy = true;
    try {
      const transfer = request.images ? [request.images.buffer] : [];
      const reply = await this.client.request({ type: 'discriminate', d: this.state.d, ...request }, transfer);
      if (generation === this.generation) this.show(reply, source);
    } catch (error) {
      if (generation === this.generation) this.showText(S.error(error.message), '');
      this.onError(error.message);
    } finally {
      this.busy = false;
      const next = this.queued;
      this.queued = null;
      this.state.pending = Boolean(next);
      if (next) this.request(next);
    }
  }

  show({ d, images, scores, loss, readings, reason, dataset }, source) {
    if (!scores) return this.showText(reason === 'waiting for data' ? S.noData : S.noTrainer, '');
    const picked = source === 'real' || source === 'generated';
    if (picked) this.pad.show(images);
    this.pixels = images.subarray(0, PIXELS).slice();
    drawDigits(this.seen, this.pixels, 1);
    const [score] = scores;
    const [{ digit, agree, of }] = readings;
    Object.assign(this.state, { d, score, loss, digit, agree, of, source, judged: this.state.judged + 1 });
    const who = d === 'session' ? S.sessionWho : S.shippedWho;
    const verdict = loss === 'wgan-gp'
      ? S.critic(who, score.toFixed(3))
      : S.verdict(who, score >= 0.5 ? S.real : S.generated, score.toFixed(3));
    const words = datasetStrings(dataset);
    this.showText(verdict, S.reads(words.classifier, words.classes[digit], agree, of));
  }

  showText(verdict, reading) {
    this.verdict.textContent = verdict;
    this.reading.textContent = reading;
    this.reading.hidden = !reading;
    const summary = reading ? `${verdict} ${reading}` : S.canvasEmpty;
    this.canvas.setAttribute('aria-label', S.canvas(summary));
    this.seen.setAttribute('aria-label', S.seenLabel(reading ? summary : S.seenEmpty));
    if (!this.pixels) this.seen.getContext('2d').clearRect(0, 0, this.seen.width, this.seen.height);
  }
}
