// The worker's datasets: each URL is downloaded once, however many sessions train on it, and
// every session reads it in an order of its own. A File is a dataset of its own.
import { CLASSES } from './protocol.js';
import { MnistStream, loadLabels } from './mnist_stream.js';

export class Datasets {
  /** Resolved URL → { stream, loaded, progress, listeners, readers }. */
  #byUrl = new Map();
  /** Reader → the entry it reads. */
  #entryOf = new Map();
  /** Resolved URL → the promise of its labels, kept while it succeeds. */
  #labels = new Map();

  /**
   * The labels at `source` (a URL or a File), one byte per image: a promise, shared by every
   * session that asks for the same URL. A failed download is forgotten, so asking again retries.
   */
  labels(source) {
    const url = urlOf(source);
    if (url && this.#labels.has(url)) return this.#labels.get(url);
    const labels = loadLabels(source, CLASSES);
    if (url) {
      this.#labels.set(url, labels);
      labels.catch(() => this.#labels.delete(url));
    }
    return labels;
  }

  /**
   * A new reader of `source` (a URL, relative to this worker, or a File). `loaded` settles when
   * the whole dataset has arrived, or rejects with a DatasetError (and the dataset is then
   * forgotten, so that opening it again tries again). `follow(onProgress)` reports progress,
   * the latest at once, and returns a function that stops it.
   */
  open(source) {
    const url = urlOf(source);
    const entry = this.#byUrl.get(url) ?? this.#load(source, url);
    entry.readers += 1;
    const reader = entry.stream.reader();
    this.#entryOf.set(reader, entry);
    const follow = (onProgress) => {
      if (entry.progress) onProgress(entry.progress);
      entry.listeners.add(onProgress);
      return () => entry.listeners.delete(onProgress);
    };
    return { reader, loaded: entry.loaded, follow };
  }

  /** `reader` is done with: its dataset is forgotten once nobody reads it. */
  release(reader) {
    const entry = this.#entryOf.get(reader);
    if (!entry) return;
    this.#entryOf.delete(reader);
    entry.readers -= 1;
    if (entry.readers === 0) this.#forget(entry);
  }

  #load(source, url) {
    const entry = { stream: new MnistStream(), progress: null, listeners: new Set(), readers: 0, url };
    entry.loaded = entry.stream.load(source, (progress) => {
      entry.progress = progress;
      for (const listener of entry.listeners) listener(progress);
    });
    entry.loaded.catch(() => this.#forget(entry));
    if (url) this.#byUrl.set(url, entry);
    return entry;
  }

  #forget(entry) {
    if (this.#byUrl.get(entry.url) === entry) this.#byUrl.delete(entry.url);
  }
}

/** The absolute URL of a URL source; null for a File, or for a URL that fetch will reject. */
function urlOf(source) {
  if (typeof source !== 'string') return null;
  try {
    return new URL(source, globalThis.location?.href).href;
  } catch {
    return null;
  }
}
