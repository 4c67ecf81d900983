// The "Can you fool D?" widget's preprocessing (www/mnist_preprocess.js), in Node: a drawing
// becomes a 28×28 digit as MNIST's were made (cropped, fit to 20×20 keeping its aspect, centred
// by mass), an empty drawing is reported empty, and nudged copies move the digit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOX, NUDGES, nudged, toMnist } from '../../www/mnist_preprocess.js';

const SIDE = 28;

/** A black `size` × `size` drawing with white rectangles [x, y, w, h] painted on it. */
function drawing(size, ...rects) {
  const grey = new Uint8ClampedArray(size * size);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) grey[y * size + x] = 255;
  }
  return grey;
}

/** The ink's bounding box and centre of mass in a 28×28 digit. */
function measure(pixels) {
  let left = SIDE, right = -1, top = SIDE, bottom = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = pixels[y * SIDE + x];
      if (!v) continue;
      left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
      mass += v; mx += v * x; my += v * y;
    }
  }
  return { width: right - left + 1, height: bottom - top + 1, cx: mx / mass, cy: my / mass, mass };
}

test('an off-centre square fills the 20×20 box and is centred by mass', () => {
  const { pixels, empty } = toMnist(drawing(280, [10, 30, 60, 60]), 280, 280);
  assert.equal(empty, false);
  assert.equal(pixels.length, SIDE * SIDE);
  const m = measure(pixels);
  assert.equal(m.width, BOX);
  assert.equal(m.height, BOX);
  assert.ok(Math.abs(m.cx - 13.5) <= 0.5 && Math.abs(m.cy - 13.5) <= 0.5, JSON.stringify(m));
  // A solid square stays solid white: area averaging keeps full coverage at 255.
  assert.equal(Math.max(...pixels), 255);
  assert.equal(m.mass, 255 * BOX * BOX);
});

test('a tall bar keeps its aspect ratio: 20 high, 4 wide', () => {
  const { pixels } = toMnist(drawing(280, [200, 20, 40, 200]), 280, 280);
  const m = measure(pixels);
  assert.equal(m.height, BOX);
  assert.equal(m.width, 4);
  assert.ok(Math.abs(m.cx - 13.5) <= 0.5 && Math.abs(m.cy - 13.5) <= 0.5, JSON.stringify(m));
});

test('the centre of mass, not the box, is centred: an L leans towards its heavy corner', () => {
  // A thick vertical stroke and a thin foot: the mass sits left of the box's middle.
  const { pixels } = toMnist(drawing(200, [20, 20, 40, 160], [60, 160, 60, 20]), 200, 200);
  const m = measure(pixels);
  assert.equal(m.height, BOX);
  assert.ok(Math.abs(m.cx - 13.5) <= 0.5 && Math.abs(m.cy - 13.5) <= 0.5, JSON.stringify(m));
  let left = SIDE;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]) left = Math.min(left, i % SIDE);
  const middle = left + m.width / 2;
  assert.ok(middle > 13.5 + 1, `the box's middle ${middle} lies right of the field's centre`);
});

test('a digit whose mass lies far to one side is moved only as far as the field allows', () => {
  const { pixels } = toMnist(drawing(200, [20, 20, 40, 160], [60, 160, 120, 20]), 200, 200);
  const m = measure(pixels);
  assert.equal(m.width, BOX);
  assert.ok(m.cx < 13.5 && m.cx > 11, JSON.stringify(m));
  // Pushed against the right edge, and nothing cut off: the foot's full 20 × 2.5 pixels of ink.
  assert.ok(Array.from({ length: SIDE }, (_, y) => pixels[y * SIDE + SIDE - 1]).some((v) => v > 0), 'touches the right edge');
  assert.ok(Math.abs(m.mass / 255 - (5 * 20 + 15 * 2.5)) < 1, JSON.stringify(m));
});

test('faint specks alone are an empty drawing, not a digit to judge', () => {
  assert.equal(toMnist(new Uint8ClampedArray(100 * 100), 100, 100).empty, true);
  const specks = new Uint8ClampedArray(100 * 100).fill(3);
  const { pixels, empty } = toMnist(specks, 100, 100);
  assert.equal(empty, true);
  assert.ok(pixels.every((v) => v === 0));
});

test('a tiny dot is scaled up to the box, and a wrong size is an Error', () => {
  const m = measure(toMnist(drawing(100, [50, 50, 2, 2]), 100, 100).pixels);
  assert.equal(m.width, BOX);
  assert.throws(() => toMnist(new Uint8ClampedArray(10), 4, 4), /expected 4 × 4 grey values, got 10/);
});

test('nudged copies: the middle one is the digit, the others moved by ±2 pixels', () => {
  const digit = new Uint8Array(SIDE * SIDE);
  digit[10 * SIDE + 10] = 200;
  const copies = nudged(digit);
  assert.equal(copies.length, NUDGES.length * SIDE * SIDE);
  NUDGES.forEach(([dx, dy], j) => {
    const copy = copies.subarray(j * SIDE * SIDE, (j + 1) * SIDE * SIDE);
    assert.equal(copy[(10 + dy) * SIDE + 10 + dx], 200, `nudge ${dx},${dy}`);
    assert.equal(copy.reduce((a, b) => a + b, 0), 200, `nudge ${dx},${dy}`);
  });
  // A digit at the edge loses what moves out.
  const edge = new Uint8Array(SIDE * SIDE);
  edge[0] = 100;
  assert.equal(nudged(edge).reduce((a, b) => a + b, 0), 100 * 4);
});
