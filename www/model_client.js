// Promise-based requests on one worker session (session.js): what the latent explorer asks a
// generator or a paused trainer for. The worker answers a session's requests strictly in
// order, one reply each (protocol.js), so each reply settles the oldest request still waiting
// for a reply of its type; other messages on the session are left to the page.
import { LATENT } from './protocol.js';

/** The reply each request type is answered with. */
const REPLY = {
  'generator-init': 'generator-ready',
  samples: 'samples',
  directions: 'directions',
  classify: 'classes',
  discriminate: 'discrimination',
  quality: 'quality',
  checkpoint: 'checkpoint',
  'export-generator': 'generator-bytes',
};

export class ModelClient {
  /**
   * @param {(message: object, transfer?: Transferable[]) => void} send a session's `send`
   * Feed every reply of the session to `receive`. Send every request of the kinds above through
   * this client, so that no reply is taken for another's.
   */
  constructor(send) {
    this.send = send;
    this.pending = [];
    /** Length of the model's noise vectors, from its `ready` or `generator-ready` reply. */
    this.latentDim = LATENT;
    /** Whether the model draws digits by label (0–9). */
    this.conditional = false;
  }

  /** Reads `latentDim` and `conditional` from a `ready` or `generator-ready` reply. */
  describe({ latentDim, conditional }) {
    this.latentDim = Number.isInteger(latentDim) && latentDim > 0 ? latentDim : LATENT;
    this.conditional = conditional === true;
  }

  /**
   * Settles the request a reply answers; false when the reply is not for this client (a
   * `grid`, `trained` or `progress` reply, or one to a request the page sent itself).
   */
  receive(message) {
    const about = message.type === 'error' ? message.about : null;
    const index = this.pending.findIndex((p) => (about ? p.type === about : REPLY[p.type] === message.type));
    if (index < 0) return false;
    const [request] = this.pending.splice(index, 1);
    if (about) request.reject(new Error(message.message));
    else request.resolve(message);
    return true;
  }

  /** Sends `message` and resolves to its reply, or rejects with an Error for an `error` reply. */
  request(message, transfer = []) {
    if (!REPLY[message.type]) return Promise.reject(new Error(`ModelClient: no reply known for "${message.type}"`));
    return new Promise((resolve, reject) => {
      this.pending.push({ type: message.type, resolve, reject });
      this.send(message, transfer);
    });
  }

  /**
   * Loads a pretrained generator into the session from a URL or from a file's bytes (a
   * Uint8Array, transferred); resolves to its `generator-ready` reply. On an error the session
   * keeps the generator it had. `dataset` is the DATASETS id of what it draws ('mnist' or
   * 'fashion'), whose classifier judges its samples.
   */
  async load(source, backend = 'auto', dataset = 'mnist') {
    if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
      throw new Error(`load: give a URL or the bytes of a .safetensors file (a Uint8Array), got ${Object.prototype.toString.call(source)}`);
    }
    const message = typeof source === 'string' ? { type: 'generator-init', url: source, backend, dataset }
      : { type: 'generator-init', bytes: source, backend, dataset };
    const ready = await this.request(message, typeof source === 'string' ? [] : [source.buffer]);
    this.describe(ready);
    /** The DATASETS id of what the loaded generator draws. */
    this.dataset = dataset;
    return ready;
  }

  /** The session's trainer as a `checkpoint` reply ({ bytes, step, architecture, savedAt }), with `page` inside. */
  checkpoint(page) {
    return this.request({ type: 'checkpoint', page });
  }

  /** The generator of the session's trainer: a `generator-bytes` reply ({ bytes, step, … }). */
  exportGenerator() {
    return this.request({ type: 'export-generator' });
  }

  /**
   * The digits of `noise` (n × latentDim values), as n × PIXELS grey bytes; a conditional
   * model draws each as its label in `labels` (n digits 0–9), or 0, 1, …, 9, 0, … without.
   */
  async generate(noise, labels = null) {
    if (!(noise instanceof Float32Array) || noise.length === 0 || noise.length % this.latentDim) {
      throw new Error(`generate: noise must be a Float32Array of n × ${this.latentDim} values`);
    }
    const message = { type: 'samples', noise };
    if (labels && this.conditional) message.labels = labels;
    return (await this.request(message)).pixels;
  }

  /**
   * The `count` directions in z along which the digit of `z` (with `label`, for a conditional
   * model) changes most: `{ directions: Float32Array(count × latentDim), strengths }`.
   */
  async directions(z, label, count) {
    const message = { type: 'directions', z, count };
    if (this.conditional && Number.isInteger(label)) message.label = label;
    const { directions, strengths } = await this.request(message);
    return { directions, strengths };
  }

  /** The digit the classifier reads in each of the given n × PIXELS images. */
  async classify(pixels) {
    const { digits } = await this.request({ type: 'classify', pixels });
    if (!digits) throw new Error('classify: the worker did not say which digit each image is');
    return digits;
  }

  /** The classifier's verdict on `n` fresh samples (the quality panel's `result`, or null). */
  async quality(n) {
    return (await this.request({ type: 'quality', n })).result;
  }
}
