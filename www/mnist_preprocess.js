// A drawing made into a 28×28 digit as MNIST's digits were made (LeCun et al.): cropped to the
// ink's bounding box, scaled to fit a 20×20 box keeping its aspect ratio (area-averaged, so
// strokes turn into grey edges rather than jagged ones), and placed in the 28×28 field so that
// its centre of mass sits at the field's centre. Pure functions, no DOM: tests run them in Node.
import { PIXELS, SIDE } from './protocol.js';

/** The longer side of the scaled digit, as in MNIST. */
export const BOX = 20;
/** Ink is any grey value above this (a canvas's anti-aliasing leaves faint specks elsewhere). */
const INK = 8;

/**
 * The 28×28 grey bytes of the drawing `grey` (`width` × `height` grey values, white ink on
 * black), or `{ empty: true }` with a black digit when nothing is drawn.
 * @returns {{ pixels: Uint8Array, empty: boolean }}
 */
export function toMnist(grey, width, height) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || grey?.length !== width * height) {
    throw new Error(`toMnist: expected ${width} × ${height} grey values, got ${grey?.length}`);
  }
  const box = inkBox(grey, width, height);
  if (!box) return { pixels: new Uint8Array(PIXELS), empty: true };
  const scale = BOX / Math.max(box.width, box.height);
  const w = Math.max(1, Math.min(BOX, Math.round(box.width * scale)));
  const h = Math.max(1, Math.min(BOX, Math.round(box.height * scale)));
  const small = resample(grey, width, box, w, h);
  // Centre of mass, in pixel-centre coordinates of the small image.
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v; mx += v * x; my += v * y;
    }
  }
  const centre = (SIDE - 1) / 2;
  const clamp = (offset, size) => Math.max(0, Math.min(SIDE - size, offset));
  const ox = clamp(Math.round(centre - mx / mass), w);
  const oy = clamp(Math.round(centre - my / mass), h);
  const pixels = new Uint8Array(PIXELS);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) pixels[(oy + y) * SIDE + ox + x] = Math.round(Math.min(255, small[y * w + x]));
  }
  return { pixels, empty: false };
}

/** The bounding box of the ink, or null for none. */
function inkBox(grey, width, height) {
  let left = width, right = -1, top = height, bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (grey[y * width + x] <= INK) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * The box of `grey` scaled to w × h by area averaging: each output pixel is the mean of the
 * source area it covers (fractions of pixels at its edges). Separable: rows, then columns.
 */
function resample(grey, stride, box, w, h) {
  const across = weights(box.width, w);
  const down = weights(box.height, h);
  const rows = new Float32Array(box.height * w);
  for (let y = 0; y < box.height; y++) {
    const row = (box.top + y) * stride + box.left;
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (const [from, weight] of across[x]) sum += weight * grey[row + from];
      rows[y * w + x] = sum;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (const [from, weight] of down[y]) sum += weight * rows[from * w + x];
      out[y * w + x] = sum;
    }
  }
  return out;
}

/** For each of `n` output cells over `size` source cells: [source index, weight] pairs summing to 1. */
function weights(size, n) {
  const span = size / n;
  return Array.from({ length: n }, (_, i) => {
    const start = i * span, end = start + span;
    const pairs = [];
    for (let s = Math.floor(start); s < Math.min(size, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 0) pairs.push([s, overlap / span]);
    }
    return pairs;
  });
}

/** The shifts `nudged` makes: every combination of -2, 0 and +2 pixels across and down. */
export const NUDGES = [-2, 0, 2].flatMap((dy) => [-2, 0, 2].map((dx) => [dx, dy]));

/**
 * Each digit of `pixels` (n × 784 grey bytes) moved by each of NUDGES, black where it moved
 * in from outside: n × NUDGES.length digits, those of the first digit first. How sure the
 * classifier is of a digit is read from how many of its nudged copies it reads the same.
 */
export function nudged(pixels) {
  const n = pixels.length / PIXELS;
  const out = new Uint8Array(n * NUDGES.length * PIXELS);
  for (let k = 0; k < n; k++) {
    NUDGES.forEach(([dx, dy], j) => {
      const to = (k * NUDGES.length + j) * PIXELS;
      for (let y = 0; y < SIDE; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= SIDE) continue;
        for (let x = 0; x < SIDE; x++) {
          const sx = x - dx;
          if (sx >= 0 && sx < SIDE) out[to + y * SIDE + x] = pixels[k * PIXELS + sy * SIDE + sx];
        }
      }
    });
  }
  return out;
}
