// Live loss and D-output charts, drawn by uPlot (copied from its npm package by build.sh).
import { T } from './i18n.js';
import uPlot from './vendor/uPlot.esm.js';

const MAX_POINTS = 2000;
/** The series the charts keep, each one value per point. */
const KEYS = ['step', 'd_loss', 'g_loss', 'd_real', 'd_fake'];

function chart(element, title, series, range) {
  const width = Math.max(280, element.clientWidth || 480);
  return new uPlot({
    title,
    width,
    height: 200,
    scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
    axes: [{ label: T.charts.step }, {}],
    series: [{ label: T.charts.step }, ...series],
  }, [[], ...series.map(() => [])], element);
}

export class LiveCharts {
  constructor(lossElement, probElement) {
    this.loss = chart(lossElement, T.charts.losses, [
      { label: T.charts.dLoss, stroke: '#d9480f', width: 1.5, points: { show: false } },
      { label: T.charts.gLoss, stroke: '#1971c2', width: 1.5, points: { show: false } },
    ]);
    this.probElement = probElement;
    this.probabilities = null;
    this.clear();
    new ResizeObserver(() => {
      for (const [plot, element] of [[this.loss, lossElement], [this.prob, probElement]]) {
        plot.setSize({ width: Math.max(280, element.clientWidth), height: 200 });
      }
    }).observe(lossElement);
  }

  /**
   * Empties both charts. With BCE, D's outputs are probabilities on a fixed 0–1 axis; a
   * WGAN-GP critic's scores are unbounded, so that chart is rebuilt with a free axis.
   */
  clear({ probabilities = true } = {}) {
    if (probabilities !== this.probabilities) {
      this.prob?.destroy();
      this.prob = chart(this.probElement, probabilities ? T.charts.outputs : T.charts.critic, [
        { label: 'D(x)', stroke: '#2f9e44', width: 1.5, points: { show: false } },
        { label: 'D(G(z))', stroke: '#9c36b5', width: 1.5, points: { show: false } },
      ], probabilities ? [0, 1] : null);
      this.probabilities = probabilities;
    }
    this.data = Object.fromEntries(KEYS.map((key) => [key, []]));
    this.#draw();
  }

  /** The points drawn so far, as a plain object of arrays (for a checkpoint's annotation). */
  snapshot() {
    return Object.fromEntries(KEYS.map((key) => [key, [...this.data[key]]]));
  }

  /**
   * Draws the points of a `snapshot()` instead of the current ones, on axes for `probabilities`
   * as in `clear`. Throws, changing nothing, where `points` is not a snapshot.
   */
  restore(points, { probabilities = true } = {}) {
    const length = points?.step?.length;
    const valid = Number.isInteger(length) && length <= MAX_POINTS && KEYS.every((key) => Array.isArray(points[key])
      && points[key].length === length && points[key].every((v) => typeof v === 'number' || v === null));
    if (!valid) throw new Error(`chart history must hold ${KEYS.join(', ')} as arrays of numbers of one length`);
    this.clear({ probabilities });
    this.data = Object.fromEntries(KEYS.map((key) => [key, [...points[key]]]));
    this.#draw();
  }

  push(stats) {
    for (const key of KEYS) this.data[key].push(stats[key]);
    // Keep the charts cheap to redraw: halve the history when it grows long.
    if (this.data.step.length > MAX_POINTS) {
      for (const key of KEYS) this.data[key] = this.data[key].filter((_, i) => i % 2 === 1);
    }
    this.#draw();
  }

  #draw() {
    const d = this.data;
    this.loss.setData([d.step, d.d_loss, d.g_loss]);
    this.prob.setData([d.step, d.d_real, d.d_fake]);
  }
}
