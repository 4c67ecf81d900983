// A canvas to draw a digit on with mouse, finger or pen (Pointer Events), as MNIST's digits
// look: white strokes on black with a thick round pen. It says when the drawing changed: now and
// then while a stroke goes on, and at once when it ends.
import { PIXELS, SIDE } from './protocol.js';

/** The canvas's own pixels, a side; it is shown smaller or larger by CSS. */
export const PAD_SIDE = 280;
/** The pen, in the canvas's pixels: about 2.5 of MNIST's once a tall digit is fit to 20×20. */
const PEN = 24;
/** While a stroke goes on, the drawing is reported at most this often. */
const THROTTLE_MS = 250;

export class DrawingPad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {(strokeEnded: boolean) => void} onChange called after each stroke, and at most every
   *   THROTTLE_MS during one
   */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.onChange = onChange;
    canvas.width = canvas.height = PAD_SIDE;
    this.context = canvas.getContext('2d', { willReadFrequently: true });
    this.pointer = null;
    this.reported = 0;
    this.clear();
    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    for (const type of ['pointerup', 'pointercancel']) canvas.addEventListener(type, (event) => this.up(event));
  }

  /** A black canvas. */
  clear() {
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, PAD_SIDE, PAD_SIDE);
  }

  /** Shows a 28×28 digit (grey bytes) over the whole canvas, to draw on further. */
  show(pixels) {
    const small = new OffscreenCanvas(SIDE, SIDE);
    const image = new ImageData(SIDE, SIDE);
    for (let i = 0; i < PIXELS; i++) {
      image.data.fill(pixels[i], 4 * i, 4 * i + 3);
      image.data[4 * i + 3] = 255;
    }
    small.getContext('2d').putImageData(image, 0, 0);
    this.context.imageSmoothingEnabled = true;
    this.context.drawImage(small, 0, 0, PAD_SIDE, PAD_SIDE);
  }

  /** The drawing's grey values, PAD_SIDE × PAD_SIDE, a row after another. */
  grey() {
    const { data } = this.context.getImageData(0, 0, PAD_SIDE, PAD_SIDE);
    const grey = new Uint8ClampedArray(PAD_SIDE * PAD_SIDE);
    for (let i = 0; i < grey.length; i++) grey[i] = data[4 * i];
    return grey;
  }

  /** Where `event` is, in the canvas's own pixels. */
  at(event) {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * PAD_SIDE) / box.width, y: ((event.clientY - box.top) * PAD_SIDE) / box.height };
  }

  down(event) {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    this.pointer = event.pointerId;
    this.last = this.at(event);
    this.line(this.last, this.last);
  }

  move(event) {
    if (event.pointerId !== this.pointer) return;
    for (const e of event.getCoalescedEvents?.() ?? [event]) {
      const point = this.at(e);
      this.line(this.last, point);
      this.last = point;
    }
    if (performance.now() - this.reported > THROTTLE_MS) this.report(false);
  }

  up(event) {
    if (event.pointerId !== this.pointer) return;
    this.pointer = null;
    this.report(true);
  }

  report(strokeEnded) {
    this.reported = performance.now();
    this.onChange(strokeEnded);
  }

  line(from, to) {
    const c = this.context;
    c.strokeStyle = '#fff';
    c.lineWidth = PEN;
    c.lineCap = c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
  }
}
