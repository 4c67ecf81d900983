// Streams an IDX images file (gzipped or not) from a URL or a local File into a growing set
// of 28×28 digits, and deals shuffled batches from whatever has arrived so far: to any number
// of readers, each in an order of its own. Labels files, small, are read whole.
import { PIXELS, SIDE } from './protocol.js';
import { seeded } from './random.js';

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
/** The most images a file may hold: 300,000 digits take 235 MB, more than a tab should. */
export const MAX_IMAGES = 300_000;

/** A problem with the dataset, worded for the page. */
export class DatasetError extends Error {}

/** Opens `source` (a URL or a File/Blob) as a byte stream and its size in bytes, if known. */
async function open(source) {
  if (typeof source !== 'string') return { body: source.stream(), size: source.size };
  let response;
  try {
    response = await fetch(source);
  } catch (error) {
    throw new DatasetError(`could not download ${source}: ${error.message}`);
  }
  if (!response.ok) throw new DatasetError(`could not download ${source}: HTTP ${response.status} ${response.statusText}`);
  const size = Number(response.headers.get('content-length')) || undefined;
  return { body: response.body, size };
}

/**
 * The labels of an IDX labels file (gzipped or not) at `source`, a URL or a File: one byte per
 * image, each 0 to `classes` − 1. Rejects with a DatasetError on a bad file.
 */
export async function loadLabels(source, classes) {
  const { body } = await open(source);
  let bytes;
  try {
    bytes = new Uint8Array(await new Response(await decode(body, () => {})).arrayBuffer());
  } catch (error) {
    throw new DatasetError(`the labels file is not valid gzip or IDX data (${error.message})`);
  }
  if (bytes.length < 8) throw new DatasetError(`the labels file is truncated: ${bytes.length} bytes, not even an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const magic = view.getUint32(0);
  if (magic !== LABELS_MAGIC) {
    const hex = `0x${magic.toString(16).padStart(8, '0')}`;
    throw new DatasetError(`not an IDX labels file: magic number ${hex}, expected 0x00000801`);
  }
  const count = view.getUint32(4);
  if (count > MAX_IMAGES) {
    throw new DatasetError(`the labels file's header claims ${count.toLocaleString('en')} labels; the page reads at most ${MAX_IMAGES.toLocaleString('en')}`);
  }
  const labels = bytes.subarray(8);
  if (labels.length !== count) throw new DatasetError(`the labels file holds ${labels.length} labels, its header promises ${count}`);
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) throw new DatasetError(`label ${bad} is ${labels[bad]}, expected 0 to ${classes - 1}`);
  return labels;
}

/**
 * Peeks at the first chunk: gzip (1f 8b) is decompressed on the fly, anything else is read as
 * raw IDX. `onBytes` counts bytes as they come off the network, before decompression.
 */
async function decode(body, onBytes) {
  const reader = body.getReader();
  const head = await reader.read();
  const stream = new ReadableStream({
    start(controller) {
      if (head.done) return;
      onBytes(head.value.length);
      controller.enqueue(head.value);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      onBytes(value.length);
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const gzip = !head.done && head.value[0] === 0x1f && head.value[1] === 0x8b;
  return gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream;
}

export class MnistStream {
  /** Digits received so far, as raw bytes. */
  pixels = new Uint8Array(0);
  count = 0;
  /** Images the file's header promises. */
  total = 0;
  done = false;
  /** The reader behind `batches` and `epoch`, for a stream with one reader. */
  #reader = this.reader();

  /**
   * Downloads and parses `source`, growing `pixels` as images arrive. `onProgress` gets
   * `{ bytes, size, count, total }`. Rejects with a DatasetError on a bad file.
   */
  async load(source, onProgress = () => {}) {
    let bytes = 0;
    const { body, size } = await open(source);
    const report = () => onProgress({ bytes, size, count: this.count, total: this.total });
    const stream = await decode(body, (n) => { bytes += n; });
    const reader = stream.getReader();
    const header = new Uint8Array(16);
    let headerFilled = 0;
    let filled = 0; // bytes of pixels stored
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let chunk = value;
        if (headerFilled < 16) {
          const take = Math.min(16 - headerFilled, chunk.length);
          header.set(chunk.subarray(0, take), headerFilled);
          headerFilled += take;
          chunk = chunk.subarray(take);
          if (headerFilled === 16) this.#start(header);
        }
        if (chunk.length === 0) continue;
        const room = this.pixels.length - filled;
        if (chunk.length > room) throw new DatasetError(`the file is longer than its header says (${this.total} images)`);
        this.pixels.set(chunk, filled);
        filled += chunk.length;
        this.count = Math.floor(filled / PIXELS);
        report();
      }
    } catch (error) {
      reader.cancel().catch(() => {});
      if (error instanceof DatasetError) throw error;
      throw new DatasetError(`the file is not valid gzip or IDX data (${error.message})`);
    }
    if (headerFilled < 16) throw new DatasetError(`the file is truncated: ${headerFilled} bytes, not even an IDX header`);
    if (filled < this.pixels.length) {
      throw new DatasetError(`the file is truncated: its header promises ${this.total} images, it holds ${this.count}`);
    }
    this.done = true;
    report();
  }

  #start(header) {
    const view = new DataView(header.buffer);
    const magic = view.getUint32(0);
    if (magic !== IMAGES_MAGIC) {
      const hex = `0x${magic.toString(16).padStart(8, '0')}`;
      throw new DatasetError(`not an IDX images file: magic number ${hex}, expected 0x00000803`);
    }
    const [total, rows, cols] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
    if (rows !== SIDE || cols !== SIDE) throw new DatasetError(`the images are ${rows}×${cols}, expected ${SIDE}×${SIDE}`);
    if (total === 0) throw new DatasetError('the file holds no images');
    if (total > MAX_IMAGES) {
      throw new DatasetError(`the file's header claims ${total.toLocaleString('en')} images; the page reads at most ${MAX_IMAGES.toLocaleString('en')}`);
    }
    this.total = total;
    this.pixels = new Uint8Array(total * PIXELS);
  }

  /** A new reader of this stream, with its own order and epoch count. */
  reader() { return new StreamReader(this); }

  /** `reader().batches` of this stream's own reader. */
  batches(n, size, random) { return this.#reader.batches(n, size, random); }

  /** `reader().labelledBatches` of this stream's own reader. */
  labelledBatches(n, size, random, labels) { return this.#reader.labelledBatches(n, size, random, labels); }

  /** Completed passes of this stream's own reader. */
  get epoch() { return this.#reader.epoch; }
}

/** One reader's way through a stream that others may read too, while it is still arriving. */
export class StreamReader {
  /** Completed passes over the whole set. */
  epoch = 0;
  #order = [];
  #cursor = 0;
  /** The state of the random numbers just before #order was shuffled; null if they had none. */
  #shuffledFrom = null;
  /** A saved order (`restoreState`) to rebuild once the whole set is here: { random, count }. */
  #pending = null;

  constructor(stream) { this.stream = stream; }

  get count() { return this.stream.count; }

  get done() { return this.stream.done; }

  /** Whether drawing must wait: a restored order needs the whole set, which is still arriving. */
  get waiting() { return this.#pending !== null && !this.done; }

  /**
   * Where this reader is in its order, as a small plain object: the epoch, the cursor and, for
   * the current permutation, the random state it was shuffled from and the number of images
   * (not the permutation itself). Throws if that permutation was shuffled by random numbers
   * without a `state` (seeded() has one).
   */
  saveState() {
    if (this.#pending) return { epoch: this.epoch, cursor: this.#cursor, shuffle: { ...this.#pending } };
    if (this.#order.length && this.#shuffledFrom === null) {
      throw new Error('this reader\'s order cannot be saved: it was shuffled by random numbers without a state');
    }
    const shuffle = this.#order.length ? { random: this.#shuffledFrom, count: this.#order.length } : null;
    return { epoch: this.epoch, cursor: this.#cursor, shuffle };
  }

  /**
   * Continues from a `saveState()`: the reader then draws exactly what the saved one would
   * have, given random numbers in the same state. A saved permutation is rebuilt once the whole
   * set has arrived (`waiting` until then); if the set then holds another number of images
   * (another dataset), the saved order is dropped and a fresh one begins. Throws on a malformed
   * state, and then changes nothing.
   */
  restoreState(state) {
    const { epoch, cursor, shuffle } = checkedReaderState(state);
    this.epoch = epoch;
    this.#order = [];
    this.#shuffledFrom = null;
    this.#cursor = shuffle ? cursor : 0;
    this.#pending = shuffle;
  }

  /**
   * `n` batches of `size` images, concatenated. While the file is still arriving, images are
   * drawn at random from those present; once it is complete, epochs run over a fresh
   * permutation of the whole set. `random` returns floats in [0, 1).
   */
  batches(n, size, random) {
    return this.labelledBatches(n, size, random, null).images;
  }

  /**
   * As `batches`, with each image's label from `labels` (one per image of the file, in its
   * order), or `labels: null` without them.
   */
  labelledBatches(n, size, random, labels) {
    if (this.waiting) throw new Error('the saved data order waits for the whole dataset to arrive');
    const images = new Uint8Array(n * size * PIXELS);
    const chosen = labels ? new Uint8Array(n * size) : null;
    const { pixels } = this.stream;
    for (let i = 0; i < n * size; i++) {
      const index = this.#next(random);
      images.set(pixels.subarray(index * PIXELS, (index + 1) * PIXELS), i * PIXELS);
      if (chosen) chosen[i] = labels[index];
    }
    return { images, labels: chosen };
  }

  #next(random) {
    if (!this.done) return Math.floor(random() * this.count);
    if (this.#pending) this.#rebuild();
    if (this.#cursor >= this.#order.length) {
      if (this.#order.length) this.epoch += 1;
      this.#shuffledFrom = Number.isInteger(random.state) ? random.state : null;
      this.#order = shuffled(this.count, random);
      this.#cursor = 0;
    }
    return this.#order[this.#cursor++];
  }

  /** The saved permutation, shuffled again from its saved random state; dropped for another set. */
  #rebuild() {
    const { random, count } = this.#pending;
    this.#pending = null;
    if (count !== this.count) {
      this.#order = [];
      this.#cursor = 0;
      return;
    }
    this.#order = shuffled(count, seeded(random));
    this.#shuffledFrom = random;
  }
}

/** 0 … count − 1 in the order a Fisher–Yates shuffle driven by `random` leaves them. */
function shuffled(count, random) {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const isCount = (n) => Number.isInteger(n) && n >= 0;

/** A `saveState()` object, checked field by field; an Error names the first bad one. */
function checkedReaderState(state) {
  if (typeof state !== 'object' || state === null) throw new Error('a reader state must be an object');
  const { epoch, cursor, shuffle } = state;
  if (!isCount(epoch)) throw new Error(`a reader state's epoch must be a whole number, got ${JSON.stringify(epoch)}`);
  if (!isCount(cursor)) throw new Error(`a reader state's cursor must be a whole number, got ${JSON.stringify(cursor)}`);
  if (shuffle === null || shuffle === undefined) return { epoch, cursor: 0, shuffle: null };
  const { random, count } = shuffle;
  if (!Number.isInteger(random) || random < 0 || random > 0xffffffff) {
    throw new Error(`a reader state's shuffle.random must be a 32-bit random state, got ${JSON.stringify(random)}`);
  }
  if (!isCount(count) || count === 0) throw new Error(`a reader state's shuffle.count must be a positive whole number, got ${JSON.stringify(count)}`);
  if (cursor > count) throw new Error(`a reader state's cursor (${cursor}) is past its ${count} images`);
  return { epoch, cursor, shuffle: { random, count } };
}
