// The demo page's recovery from a run that went wrong. While training it keeps the latest
// checkpoint in memory (at the start, every RECOVERY_EVERY steps, and on a slow backend every
// RECOVERY_EVERY_MS of training). When the losses stop
// being numbers (train_step's TrainingDiverged), it pauses, says so in plain words and offers
// "Roll back to step N" at a lower learning rate, or "Start over". When the worker dies (it
// threw, or its wasm module trapped), it offers "Restart from step N" in a fresh worker. When
// the GPU is lost, training goes on by itself on the CPU from the recovery point.
import { T } from './i18n.js';
import { RECOVERY_EVERY, RECOVERY_EVERY_MS, ROLLBACK_LR_DIVISOR } from './protocol.js';

const STRINGS = T.recovery;

const $ = (id) => document.getElementById(id);

export class RunRecovery {
  /** The latest good checkpoint: { bytes, step }, or null before the first. */
  #last = null;
  #nextAt = 0;
  #capturedAt = 0;
  #capturing = false;
  /** What the panel's main button does now. */
  #action = null;

  /**
   * @param {object} host
   * @param {import('./model_client.js').ModelClient} host.client the page session's client
   * @param {() => object} host.page what the page keeps in a checkpoint (its chart history, …)
   * @param {(playing: boolean) => void} host.setPlaying the training loop's play/pause
   * @param {() => object} host.options the settings' GanTrainer options
   * @param {(bytes: Uint8Array, overrides: object | null) => void} host.resume resumes the
   *   session from checkpoint bytes, with new learning rates or a backend where `overrides` says
   * @param {() => void} host.reload sends the session's dataset again, to a fresh worker
   * @param {() => void} host.restartWorker ends the dead worker
   * @param {() => void} host.startFresh Reset
   * @param {object} host.state window.webgan, where the tests read what happened
   */
  constructor(host) {
    this.host = host;
    $('recovery-fresh').textContent = STRINGS.startOver;
    // Both go on training: the reader chose how.
    $('recovery-go').addEventListener('click', () => { this.#hide(); this.#action?.(); host.setPlaying(true); });
    $('recovery-fresh').addEventListener('click', () => { this.#hide(); host.startFresh(); });
    Object.assign(host.state, { recovery: null, recoveryStep: null });
  }

  /** A trainer is ready at `step`: fresh, resumed or rolled back. It is the first recovery point. */
  ready(step) {
    this.#last = null;
    this.#nextAt = step;
    this.trained(step);
  }

  /** The run has trained to `step`: keeps a checkpoint when one is due. */
  async trained(step) {
    const due = step >= this.#nextAt || (step > (this.#last?.step ?? 0) && performance.now() - this.#capturedAt >= RECOVERY_EVERY_MS);
    if (!due || this.#capturing) return;
    this.#capturing = true;
    this.#capturedAt = performance.now();
    this.#nextAt = (Math.floor(step / RECOVERY_EVERY) + 1) * RECOVERY_EVERY;
    try {
      const saved = await this.host.client.checkpoint(this.host.page());
      this.#last = { bytes: saved.bytes, step: saved.step };
      this.host.state.recoveryStep = saved.step;
    } catch {
      // A trainer that has just diverged cannot be saved; the previous point stands.
    } finally {
      this.#capturing = false;
    }
  }

  /** Training diverged by `step` (an `error` reply named TrainingDiverged). */
  diverged(step) {
    this.host.setPlaying(false);
    const last = this.#last;
    if (!last) return this.#show(STRINGS.divergedNoPoint(step), null, null);
    const options = this.host.options();
    const rates = { learningRate: options.learningRate / ROLLBACK_LR_DIVISOR };
    if (options.discriminatorLearningRate) rates.discriminatorLearningRate = options.discriminatorLearningRate / ROLLBACK_LR_DIVISOR;
    this.#show(STRINGS.diverged(step, last.step), STRINGS.rollBack(last.step, rates.learningRate), () => {
      this.host.state.recovery = { kind: 'rollback', step: last.step, ...rates };
      this.host.resume(last.bytes.slice(), rates);
    });
    this.host.state.recovery = { kind: 'diverged', step };
  }

  /** The worker died (`why`: its error's message): its models are gone. */
  workerDied(why) {
    this.host.setPlaying(false);
    this.host.restartWorker();
    const last = this.#last;
    this.host.state.recovery = { kind: 'worker', why };
    if (!last) return this.#show(STRINGS.workerDiedNoPoint(why), null, null);
    this.#show(STRINGS.workerDied(why, last.step), STRINGS.restartFrom(last.step), () => {
      this.host.state.recovery = { kind: 'restart', step: last.step };
      this.host.reload();
      this.host.resume(last.bytes.slice(), null);
    });
  }

  /** The GPU the trainer ran on was lost (`why`, the browser's words): on to the CPU. */
  gpuLost(why) {
    const last = this.#last;
    this.host.state.recovery = { kind: 'gpu', why, step: last?.step ?? null };
    if (!last) {
      this.host.setPlaying(false);
      return this.#show(STRINGS.gpuLostNoPoint(why), null, null);
    }
    this.#show(STRINGS.gpuLost(last.step), null, null);
    this.host.resume(last.bytes.slice(), { backend: 'cpu' });
  }

  #show(text, action, run) {
    $('recovery-text').textContent = text;
    $('recovery-go').hidden = !action;
    $('recovery-go').textContent = action ?? '';
    this.#action = run;
    $('recovery').hidden = false;
    (action ? $('recovery-go') : $('recovery-fresh')).focus();
    this.host.state.recoveryText = text;
  }

  #hide() {
    $('recovery').hidden = true;
  }
}
