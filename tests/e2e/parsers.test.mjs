// The page's parsers, fed 10,000 seeded mutations each, in Node without a browser: the IDX
// stream reader (mnist_stream.js) and labels reader must resolve or reject with a
// DatasetError, and GanTrainer.create's options reader (the CPU build of the wasm module) must
// resolve or reject with a GanTrainer.create Error, never trap. The Rust parsers (weights,
// checkpoints, IDX, saved configs) get the same in `cargo test` (src/mutate.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { cpuModule } from './harness.mjs';
import { MUTATIONS, mutateBytes, mutateOptions, run } from './mutate.mjs';
import { DatasetError, MAX_IMAGES, MnistStream, loadLabels } from '../../www/mnist_stream.js';
import { PRESETS } from '../../www/presets.js';
import { editTensor } from '../../www/test_faults.js';

/** A valid IDX images file of `count` digits, and its labels file. */
function idxFiles(count) {
  const images = new Uint8Array(16 + count * 784);
  const view = new DataView(images.buffer);
  [0x803, count, 28, 28].forEach((word, i) => view.setUint32(4 * i, word));
  for (let i = 16; i < images.length; i++) images[i] = (i * 31) % 256;
  const labels = new Uint8Array(8 + count);
  new DataView(labels.buffer).setUint32(0, 0x801);
  new DataView(labels.buffer).setUint32(4, count);
  for (let i = 0; i < count; i++) labels[8 + i] = i % 10;
  return { images, labels };
}

const report = (name, outcome) => {
  console.log(`${name}: ${MUTATIONS} mutations, ${outcome.ok} Ok, ${outcome.refused} refused, ${outcome.failed} failed`);
  assert.deepEqual(outcome.failures, [], `${name}: ${outcome.failed} mutations failed unclearly`);
  assert.equal(outcome.ok + outcome.refused, MUTATIONS);
  assert.ok(outcome.refused > MUTATIONS / 10, `${name}: only ${outcome.refused} refused: the mutations do not reach the parser`);
};

const clear = (error) => error instanceof DatasetError && error.message.length > 0;

test('the IDX stream reader resolves or says what is wrong, for 10,000 mutated files, raw and gzipped', async () => {
  const { images, labels } = idxFiles(4);
  const load = (bytes) => new MnistStream().load(new Blob([bytes]));
  report('IDX images', await run(1, (random) => {
    const { bytes, what } = mutateBytes(images, labels, random);
    return { input: bytes, what };
  }, load, clear));
  const gzipped = gzipSync(images);
  report('gzipped IDX images', await run(2, (random) => {
    const { bytes, what } = mutateBytes(gzipped, images, random);
    return { input: bytes, what };
  }, load, clear));
  report('IDX labels', await run(3, (random) => {
    const { bytes, what } = mutateBytes(labels, images, random);
    return { input: bytes, what };
  }, (bytes) => loadLabels(new Blob([bytes]), 10), clear));
});

test('a header that claims 2³¹ images is refused with what it claims and the limit', async () => {
  const { images } = idxFiles(1);
  new DataView(images.buffer).setUint32(4, 2 ** 31);
  await assert.rejects(new MnistStream().load(new Blob([images])), (error) => {
    assert.ok(error instanceof DatasetError);
    assert.equal(error.message, `the file's header claims 2,147,483,648 images; the page reads at most ${MAX_IMAGES.toLocaleString('en')}`);
    return true;
  });
});

test('GanTrainer.create refuses 10,000 mutated options objects clearly, and never traps', async () => {
  const wasm = await cpuModule();
  const valid = PRESETS.map((preset) => ({ ...preset.settings, seed: 1, backend: 'cpu' }));
  const create = async (options) => (await wasm.GanTrainer.create(options)).free();
  // A trap (a Rust panic) is a WebAssembly.RuntimeError, and leaves the module unusable.
  const refused = (error) => error instanceof Error && !(error instanceof WebAssembly.RuntimeError)
    && error.message.startsWith('GanTrainer.create: ');
  const outcome = await run(4, (random) => {
    const { options, what } = mutateOptions(valid[Math.floor(random() * valid.length)], random);
    return { input: options, what };
  }, create, refused);
  report('GanTrainer.create options', outcome);
  // Still usable after all of them.
  const trainer = await wasm.GanTrainer.create({ backend: 'cpu', batchSize: 2 });
  const stats = await trainer.train_step(new Uint8Array(2 * 784));
  assert.ok(Number.isFinite(stats.d_loss) && stats.step === 1, JSON.stringify(stats));
});

test('the API gaps a new user found say what is wrong', async () => {
  const wasm = await cpuModule();
  const trainer = await wasm.GanTrainer.create({ backend: 'cpu', batchSize: 2, seed: 3 });
  const images = new Uint8Array(2 * 2 * 784);
  const refusal = (n) => `train_steps: n is ${n}, expected a whole number of steps, 1 or more`;
  for (const n of [1.5, -1, 2 ** 32]) await assert.rejects(trainer.train_steps(images, n), { message: refusal(n) });
  await assert.rejects(wasm.GanTrainer.create({ learningRate: Infinity }), {
    message: 'GanTrainer.create: option learningRate is Infinity, expected a number in (0, 1]',
  });
  // A generator file is not the judge; the error says which file is.
  const weights = await trainer.export_weights();
  assert.throws(() => wasm.Judge.load(weights), /^Error: Judge\.load: weights lack tensor '.*'; expected the digit classifier, weights\/classifier\.safetensors$/);
  assert.throws(() => wasm.Judge.load(new Uint8Array(9)), /^Error: Judge\.load: not a valid safetensors file \(.*\); expected the digit classifier/);
  // Weights from a diverged run are refused, naming the tensor, by every loader.
  const diverged = editTensor(new Uint8Array(weights), 'generator.output.bias', (value, i) => (i === 5 ? NaN : value));
  const why = "tensor 'generator.output.bias' holds a value that is NaN or infinite (at index 5): these weights come from a run that diverged";
  await assert.rejects(wasm.Generator.load(diverged, { backend: 'cpu' }), { message: `Generator.load: ${why}` });
  await assert.rejects(wasm.GanTrainer.create({ backend: 'cpu', weights: diverged }), { message: `GanTrainer.create: ${why}` });
  // Nothing was lost: the trainer still trains.
  const stats = await trainer.train_steps(images, 2);
  assert.equal(stats.step, 2);
});
