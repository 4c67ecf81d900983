// Turns the 10,000-image test set of Fashion-MNIST (Zalando Research, MIT licence), as the
// Debian package dataset-fashion-mnist installs it, into www/data/fashion-10k-*.gz, shuffled
// with a fixed seed. Usage: sudo apt-get install dataset-fashion-mnist; node scripts/fashion-idx.mjs
// The output is committed, so neither CI nor users need the package.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { PIXELS, SIDE } from '../www/protocol.js';
import { writeShuffledIdx } from './idx.mjs';

const SOURCE = '/usr/share/datasets/fashion-mnist';

const read = (name, magic) => {
  const bytes = gunzipSync(readFileSync(`${SOURCE}/${name}`));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${name}: magic ${view.getUint32(0).toString(16)}, expected ${magic.toString(16)}`);
  return { bytes, view };
};
const images = read('t10k-images-idx3-ubyte.gz', 0x803);
const labels = read('t10k-labels-idx1-ubyte.gz', 0x801);
const count = images.view.getUint32(4);
if (labels.view.getUint32(4) !== count || images.view.getUint32(8) !== SIDE || images.view.getUint32(12) !== SIDE) {
  throw new Error(`unexpected shapes: ${count} images of ${images.view.getUint32(8)}×${images.view.getUint32(12)}, ${labels.view.getUint32(4)} labels`);
}
const items = Array.from({ length: count }, (_, i) => ({
  label: labels.bytes[8 + i],
  pixels: images.bytes.subarray(16 + i * PIXELS, 16 + (i + 1) * PIXELS),
}));
writeShuffledIdx('fashion-10k', items, 20170825); // the day Fashion-MNIST was published
