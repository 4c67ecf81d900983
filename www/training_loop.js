// The animation-frame training loop of the page and of <webgan-demo>: while playing, each
// frame asks the worker for one batch of steps, never while the previous one is running, and
// for the fixed-noise grid every GRID_EVERY steps. As in wasm-bindgen's examples, playing
// means a frame is scheduled, and pausing cancels it.
import { GRID_EVERY } from './protocol.js';

export class TrainingLoop {
  /** Whether the trainer exists; `reset()` clears it until the next `ready`. */
  ready = false;
  /** Whether a `train` request awaits its reply. */
  inFlight = false;
  /** The trainer's step, from the latest `trained` reply. */
  step = 0;
  lastGridStep = 0;
  #frameId = null;
  #send;
  #stepsPerFrame;
  #onPlaying;

  /**
   * `send` posts a request to the session; `stepsPerFrame()` says how many steps a frame
   * asks for; `onPlaying(playing)` shows a change of state.
   */
  constructor(send, { stepsPerFrame, onPlaying = () => {} }) {
    this.#send = send;
    this.#stepsPerFrame = stepsPerFrame;
    this.#onPlaying = onPlaying;
  }

  get playing() { return this.#frameId !== null; }

  setPlaying(playing) {
    if (playing && !this.playing) this.#frameId = requestAnimationFrame(this.#frame);
    if (!playing && this.playing) {
      cancelAnimationFrame(this.#frameId);
      this.#frameId = null;
    }
    this.#onPlaying(playing);
  }

  /** Pauses, then trains exactly one step. */
  stepOnce() {
    this.setPlaying(false);
    this.#request(1);
  }

  /**
   * A new trainer is on its way: no requests until its `ready`. A request in flight is
   * abandoned (a dead worker or GPU never answers it; a replaced trainer's answer is ignored).
   */
  reset() {
    this.ready = false;
    this.inFlight = false;
    this.step = 0;
    this.lastGridStep = 0;
  }

  /** Keeps the loop's state in step with the session's replies; call it with every one. */
  receive(message) {
    switch (message.type) {
      case 'ready':
        // A new trainer: at step 0, or at a checkpoint's step.
        this.ready = true;
        this.step = message.step ?? 0;
        this.lastGridStep = this.step;
        break;
      case 'trained':
        this.inFlight = false;
        // Stats from a trainer that a reset replaced do not count.
        if (this.ready && message.stats) this.step = message.stats.step;
        break;
      case 'grid':
        this.lastGridStep = this.step;
        break;
      case 'error':
        if (message.about === 'train') this.inFlight = false;
        break;
    }
  }

  #frame = () => {
    this.#frameId = requestAnimationFrame(this.#frame);
    this.#request(this.#stepsPerFrame());
  };

  #request(steps) {
    if (!this.ready || this.inFlight) return;
    this.inFlight = true;
    const grid = this.step + steps - this.lastGridStep >= GRID_EVERY;
    this.#send({ type: 'train', steps, grid });
  }
}
