// The worker's dataset sharing, in Node: one download per URL whichever sessions read it,
// each reader with its own batch order, and failed or unread datasets forgotten.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Datasets } from '../../www/datasets.js';
import { seeded } from '../../www/random.js';
import { serve } from './harness.mjs';

let server, downloads;
const realFetch = globalThis.fetch;
before(async () => {
  server = await serve();
  globalThis.fetch = (url, ...rest) => { downloads.push(new URL(url).pathname); return realFetch(url, ...rest); };
});
after(() => { globalThis.fetch = realFetch; server?.close(); });
beforeEach(() => { downloads = []; });

const digits = () => `${server.url}/www/data/mnist-10k-images-idx3-ubyte.gz`;

test('two readers of one URL share one download, and each keeps its own order', async () => {
  const datasets = new Datasets();
  const a = datasets.open(digits());
  const b = datasets.open(digits());
  const progress = [];
  const unfollow = b.follow((p) => progress.push(p.count));
  await Promise.all([a.loaded, b.loaded]);
  unfollow();
  assert.deepEqual(downloads, ['/www/data/mnist-10k-images-idx3-ubyte.gz']);
  assert.equal(a.reader.count, 10000);
  assert.equal(b.reader.done, true);
  assert.equal(progress.at(-1), 10000);
  // A late reader hears the latest progress at once.
  const late = datasets.open(digits());
  let heard = null;
  late.follow((p) => { heard = p; })();
  assert.equal(heard.count, 10000);
  assert.deepEqual(downloads.length, 1);

  // The same seed deals the same batches, whatever another reader has taken meanwhile.
  const first = a.reader.batches(3, 64, seeded(42));
  b.reader.batches(5, 64, seeded(1));
  assert.deepEqual(late.reader.batches(3, 64, seeded(42)), first);
  // A whole epoch: each reader counts its own.
  a.reader.batches(10000 / 16, 16, seeded(5));
  a.reader.batches(1, 1, seeded(5));
  assert.equal(a.reader.epoch, 1);
  assert.equal(late.reader.epoch, 0);
});

test('a failed download reaches every reader and is tried again on the next open', async () => {
  const datasets = new Datasets();
  const url = `${server.url}/www/data/missing.gz`;
  const [a, b] = [datasets.open(url), datasets.open(url)];
  for (const { loaded } of [a, b]) await assert.rejects(loaded, /could not download .*missing\.gz: HTTP 404/);
  await assert.rejects(datasets.open(url).loaded, /HTTP 404/);
  assert.equal(downloads.length, 2);
});

test('a dataset nobody reads any more is forgotten; a File is never shared', async () => {
  const datasets = new Datasets();
  const a = datasets.open(digits());
  await a.loaded;
  const b = datasets.open(digits());
  datasets.release(a.reader);
  const c = datasets.open(digits());
  await c.loaded;
  assert.equal(downloads.length, 1, 'b still reads it');
  datasets.release(b.reader);
  datasets.release(b.reader); // twice is harmless
  datasets.release(c.reader);
  await datasets.open(digits()).loaded;
  assert.equal(downloads.length, 2, 'nobody read it: downloaded again');

  const bytes = await (await realFetch(digits())).arrayBuffer();
  const file = new Blob([bytes]);
  const [x, y] = [datasets.open(file), datasets.open(file)];
  await Promise.all([x.loaded, y.loaded]);
  assert.notEqual(x.reader.stream, y.reader.stream);
  assert.equal(y.reader.count, 10000);
});
