// Saving and restoring the data order, in Node: seeded()'s state, and a StreamReader's
// saveState()/restoreState(), which must draw exactly what an uninterrupted reader draws.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MnistStream } from '../../www/mnist_stream.js';
import { seeded } from '../../www/random.js';
import { serve } from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server?.close());

const digits = () => `${server.url}/www/data/mnist-10k-images-idx3-ubyte.gz`;

/** A whole stream of the shipped digits. */
async function loaded() {
  const stream = new MnistStream();
  await stream.load(digits());
  return stream;
}

test('a seeded generator continues exactly from its saved state, and refuses a bad one', () => {
  const a = seeded(42);
  for (let i = 0; i < 1000; i++) a();
  const b = seeded(7);
  b.state = a.state;
  assert.deepEqual(Array.from({ length: 5 }, b), Array.from({ length: 5 }, a));
  // The sequence of a fresh generator is the one it always was (fixed noise and shuffles repeat).
  assert.equal(seeded(42)(), 0.6011037519201636);
  for (const bad of [-1, 2 ** 32, 1.5, '3', null]) {
    assert.throws(() => { b.state = bad; }, /a random state must be an integer from 0 to 4294967295/);
  }
  assert.equal(b(), a(), 'a refused state changes nothing');
});

test('a restored reader draws exactly what the uninterrupted one draws, across epochs', async () => {
  const stream = await loaded();
  for (const drawn of [0, 7, 200, 625 + 3]) { // none, a few batches, many, past an epoch of 16-image batches
    const reference = stream.reader();
    const random = seeded(42);
    reference.batches(drawn, 16, random);
    const saved = JSON.parse(JSON.stringify({ reader: reference.saveState(), random: random.state }));
    const expected = reference.batches(700, 16, random); // runs on into the next epoch

    const restored = stream.reader();
    restored.restoreState(saved.reader);
    const again = seeded(0);
    again.state = saved.random;
    assert.deepEqual(restored.batches(700, 16, again), expected, `after ${drawn} batches`);
    assert.equal(restored.epoch, reference.epoch, `epoch after ${drawn} batches`);
  }
  // The state is small: no permutation of 10,000 indices in it.
  const reader = stream.reader();
  reader.batches(3, 16, seeded(1));
  assert.ok(JSON.stringify(reader.saveState()).length < 100, JSON.stringify(reader.saveState()));
});

test('a restored permutation waits for the whole dataset, then draws what the saved reader would have', async () => {
  const whole = await loaded();
  const reference = whole.reader();
  const random = seeded(42);
  reference.batches(10, 64, random);
  const saved = reference.saveState();
  const savedRandom = random.state;
  const expected = reference.batches(5, 64, random);

  // A new page: its dataset is still arriving when the order is restored.
  const arriving = new MnistStream();
  const reader = arriving.reader();
  reader.restoreState(saved);
  const load = arriving.load(digits());
  assert.equal(reader.waiting, true);
  assert.throws(() => reader.batches(1, 64, seeded(1)), /waits for the whole dataset/);
  await load;
  assert.equal(reader.waiting, false);
  const again = seeded(0);
  again.state = savedRandom;
  assert.deepEqual(reader.batches(5, 64, again), expected);
});

test('a saved order for another dataset is dropped for a fresh one; malformed states are refused', async () => {
  const stream = await loaded();
  const reader = stream.reader();
  reader.restoreState({ epoch: 2, cursor: 5, shuffle: { random: 123, count: 60000 } });
  const images = reader.batches(2, 16, seeded(3));
  assert.equal(images.length, 2 * 16 * 784);
  assert.equal(reader.saveState().shuffle.count, 10000);

  const before = reader.saveState();
  for (const [bad, message] of [
    [null, /must be an object/],
    [{ epoch: -1, cursor: 0, shuffle: null }, /epoch must be a whole number/],
    [{ epoch: 0, cursor: 'x', shuffle: null }, /cursor must be a whole number/],
    [{ epoch: 0, cursor: 0, shuffle: { random: 2 ** 33, count: 10 } }, /shuffle.random must be a 32-bit random state/],
    [{ epoch: 0, cursor: 0, shuffle: { random: 1, count: 0 } }, /shuffle.count must be a positive whole number/],
    [{ epoch: 0, cursor: 11, shuffle: { random: 1, count: 10 } }, /cursor \(11\) is past its 10 images/],
  ]) {
    assert.throws(() => reader.restoreState(bad), message);
    assert.deepEqual(reader.saveState(), before, 'a refused state changes nothing');
  }
  // Math.random has no state: an order it shuffled cannot be saved, and says so.
  const unseeded = stream.reader();
  unseeded.batches(1, 1, Math.random);
  assert.throws(() => unseeded.saveState(), /cannot be saved: it was shuffled by random numbers without a state/);
});
