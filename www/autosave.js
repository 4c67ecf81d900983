// Keeps one training run's checkpoint in this browser's storage (checkpoint_store.js): after
// every AUTOSAVE_EVERY_MS of training, and when the page is hidden (another tab, a minimised
// window) or left. Used by the demo page and by <webgan-demo persist>. A save that fails is
// reported, never thrown: training goes on, and the next save tries again. Two tabs of the same
// page never overwrite each other's run: only the tab that holds the key's Web Lock saves, and
// another takes over when that tab closes.
import { AUTOSAVE_EVERY_MS } from './protocol.js';

/** Training time counted between two `trained` replies at most: a pause is not training. */
const MAX_GAP_MS = 1000;

export class Autosave {
  /** The step of the checkpoint in storage for this run; null while it holds none of this run. */
  savedStep = null;
  /** When that checkpoint was saved, in ms since 1970. */
  savedAt = null;
  /** The run's latest step. */
  step = 0;
  #store;
  #key;
  #capture;
  #describe;
  #onSaved;
  #onProblem;
  #every;
  #training = 0;
  #lastTrained = null;
  #saving = null;
  #listening = false;
  /** Whether this tab holds the key's lock, and so may save (always, without Web Locks). */
  #owner = !globalThis.navigator?.locks;

  /**
   * @param {object} options
   * @param {import('./checkpoint_store.js').CheckpointStore} options.store
   * @param {string} options.key the run's storage key
   * @param {() => Promise<{bytes: Uint8Array, step: number, savedAt: number}>} options.capture
   *   asks the worker for a checkpoint (a `checkpoint` reply)
   * @param {() => object} [options.describe] more fields to keep in the record (the dataset's URL, …)
   * @param {(saved: {step: number, savedAt: number}) => void} [options.onSaved]
   * @param {(problem: {kind: string, message: string}) => void} [options.onProblem] a failed
   *   save: `kind` is a storage problem's (checkpoint_store.js) or 'checkpoint' (the worker's)
   * @param {number} [options.every] ms of training between saves
   */
  constructor({ store, key, capture, describe = () => ({}), onSaved = () => {}, onProblem = () => {}, every = AUTOSAVE_EVERY_MS }) {
    this.#store = store;
    this.#key = key;
    this.#capture = capture;
    this.#describe = describe;
    this.#onSaved = onSaved;
    this.#onProblem = onProblem;
    this.#every = every;
  }

  /** Saves when the page is hidden or left, from now on, once this tab holds the key's lock. */
  listen() {
    if (this.#listening) return;
    this.#listening = true;
    // Held until the page closes; a second tab waits in the lock's queue meanwhile.
    navigator.locks?.request(`webgan:${this.#key}`, () => {
      this.#owner = true;
      return new Promise(() => {});
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
    addEventListener('pagehide', this.#onPageHide);
  }

  /** Stops listening to the page. */
  stop() {
    this.#listening = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    removeEventListener('pagehide', this.#onPageHide);
  }

  /**
   * A new run begins at `step`: a fresh one (0), or one resumed from a checkpoint, which is in
   * storage already (`stored`) or not (a file: the next save keeps it).
   */
  begin(step, { stored = false, savedAt = null } = {}) {
    this.step = step;
    this.savedStep = stored ? step : null;
    this.savedAt = stored ? savedAt : null;
    this.#training = 0;
    this.#lastTrained = null;
  }

  /** Counts training time from each `trained` reply's step; saves once enough has passed. */
  trained(step) {
    const now = performance.now();
    if (this.#lastTrained !== null) this.#training += Math.min(now - this.#lastTrained, MAX_GAP_MS);
    this.#lastTrained = now;
    this.step = step;
    if (this.#training >= this.#every) this.save();
  }

  /**
   * Saves the run now, unless storage holds this step already or a save is under way (whose
   * promise is returned). Resolves to true once saved, false where it was not.
   */
  save() {
    if (this.#saving) return this.#saving;
    if (this.step === 0 || this.step === this.savedStep) return Promise.resolve(this.step === this.savedStep);
    this.#training = 0;
    this.#saving = this.#save().finally(() => { this.#saving = null; });
    return this.#saving;
  }

  async #save() {
    if (!this.#owner) {
      this.#onProblem({ kind: 'other-tab', message: 'another tab of this page is saving its own run' });
      return false;
    }
    let checkpoint;
    try {
      checkpoint = await this.#capture();
    } catch (error) {
      this.#onProblem({ kind: 'checkpoint', message: error.message ?? String(error) });
      return false;
    }
    const { bytes, step, savedAt } = checkpoint;
    const result = await this.#store.save({ ...this.#describe(), key: this.#key, bytes, step, savedAt });
    if (!result.ok) {
      this.#onProblem(result.problem);
      return false;
    }
    this.savedStep = step;
    this.savedAt = savedAt;
    this.#onSaved({ step, savedAt });
    return true;
  }

  #onVisibility = () => { if (document.visibilityState === 'hidden') this.save(); };

  #onPageHide = () => { this.save(); };
}
