// What the data scripts share: a seeded shuffle, and writing labelled 28×28 images as the
// standard gzipped IDX pair in www/data/, byte-for-byte reproducibly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seeded } from '../www/random.js';
import { CLASSES, PIXELS, SIDE } from '../www/protocol.js';

export const OUT_DIR = join(dirname(new URL(import.meta.url).pathname), '..', 'www', 'data');

/**
 * Shuffles `items` ({ label, pixels }) with the seeded generator, so that every prefix of the
 * stream, and so every early batch, holds all the classes; then writes `<name>-images-idx3-ubyte.gz`
 * and `<name>-labels-idx1-ubyte.gz` and reports the count per class.
 */
export function writeShuffledIdx(name, items, seed) {
  const random = seeded(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  const header = (words) => {
    const view = new DataView(new ArrayBuffer(words.length * 4));
    words.forEach((w, i) => view.setUint32(i * 4, w, false));
    return new Uint8Array(view.buffer);
  };
  const images = new Uint8Array(16 + items.length * PIXELS);
  images.set(header([0x803, items.length, SIDE, SIDE]));
  items.forEach((d, i) => images.set(d.pixels, 16 + i * PIXELS));
  const labels = new Uint8Array(8 + items.length);
  labels.set(header([0x801, items.length]));
  items.forEach((d, i) => { labels[8 + i] = d.label; });

  // mtime 0 in the gzip header keeps the files identical across runs.
  mkdirSync(OUT_DIR, { recursive: true });
  const gzip = (bytes) => gzipSync(bytes, { level: 9 });
  writeFileSync(join(OUT_DIR, `${name}-images-idx3-ubyte.gz`), gzip(images));
  writeFileSync(join(OUT_DIR, `${name}-labels-idx1-ubyte.gz`), gzip(labels));
  const counts = Array.from({ length: CLASSES }, (_, c) => items.filter((d) => d.label === c).length);
  console.log(`wrote ${items.length} images to ${OUT_DIR}/${name}-*; per class: ${counts.join(' ')}`);
}
