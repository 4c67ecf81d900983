// The demo page's training runs as checkpoints: which run the page starts (a fresh one, the one
// saved in this browser, or a file), autosaving it, "Download checkpoint", "Open checkpoint…"
// and dropped files, and handing the generator over to generate mode. app.js draws the replies;
// this module decides what to ask the worker for. Every trainer-creating request (`reset`) is
// remembered in order, so each `ready` or `error` reply is matched with what it answers.
import { Autosave } from './autosave.js';
import { CheckpointPanel } from './checkpoint_panel.js';
import { CheckpointStore } from './checkpoint_store.js';
import { T } from './i18n.js';
import { HANDOVER_KEY, HANDOVER_WEIGHTS, PAGE_CHECKPOINT_KEY } from './protocol.js';

const STRINGS = T.checkpoint;

export class TrainCheckpoints {
  /** What each pending trainer-creating request was: { kind: 'fresh' | 'stored' | 'file', name? }. */
  #creating = [];
  /** Whether the session has a trainer (a `ready` has come). */
  #hasTrainer = false;
  /** The checkpoint saved in this browser when the page loaded, if any. */
  #record = null;

  /**
   * @param {object} host
   * @param {HTMLElement} host.view the train view
   * @param {(message: object, transfer?: Transferable[]) => void} host.send the page's session
   * @param {import('./model_client.js').ModelClient} host.client the session's ModelClient
   * @param {object} host.state window.webgan, where the tests read what happened
   * @param {() => object} host.options the settings' GanTrainer options, for a fresh run
   * @param {() => object} host.page what the page keeps in a checkpoint (its chart history, …)
   * @param {() => {source: string | null, labels: string | null}} host.data the dataset now read
   * @param {() => void} host.onFresh a fresh run is asked for: clear what the old one drew
   * @param {(message: string) => void} host.showError
   */
  constructor(host) {
    this.host = host;
    this.store = new CheckpointStore();
    this.panel = new CheckpointPanel(host.view, {
      onResume: () => this.#start('stored', this.#record.bytes),
      onFresh: () => this.startFresh(),
      onDownload: () => this.download(),
      onOpen: (file) => this.open(file),
      onHandover: () => this.handover(),
      onError: (message) => host.showError(message),
    });
    this.autosave = new Autosave({
      store: this.store,
      key: PAGE_CHECKPOINT_KEY,
      capture: () => host.client.checkpoint(host.page()),
      describe: () => host.data(),
      onSaved: ({ step, savedAt }) => {
        Object.assign(host.state, { savedStep: step, savedAt, storageNote: null });
        this.panel.hideNote();
      },
      onProblem: (problem) => {
        host.state.storageNote = STRINGS.storageNote(problem);
        this.panel.showNote(host.state.storageNote);
      },
    });
    this.autosave.listen();
    Object.assign(host.state, { savedStep: null, savedAt: null, storageNote: null, resumePrompt: null, resumedFrom: null });
  }

  /** The checkpoint saved in this browser, or null (none, or storage unavailable). */
  async saved() {
    const result = await this.store.load(PAGE_CHECKPOINT_KEY);
    this.#record = result.ok ? result.record : null;
    return this.#record;
  }

  /** Starts the page's run: asks whether to resume the saved one, where there is one. */
  begin() {
    if (!this.#record) return this.startFresh();
    this.panel.showPrompt(this.#record);
    this.host.state.resumePrompt = document.getElementById('resume-text').textContent;
  }

  /** A fresh run with the settings' options (Start fresh, Reset). */
  startFresh() {
    if (this.panel.prompting) this.panel.hidePrompt();
    this.host.state.resumePrompt = null;
    this.host.onFresh();
    this.#creating.push({ kind: 'fresh' });
    this.host.send({ type: 'reset', options: this.host.options() });
  }

  /** Continues from a picked or dropped checkpoint file; a bad file leaves the current run. */
  open({ name, bytes }) {
    this.#start('file', bytes, name, [bytes.buffer]);
  }

  /**
   * Continues from an in-memory recovery point (recovery.js), with what `overrides` gives anew:
   * learning rates ({ learningRate, discriminatorLearningRate? }) or the backend.
   */
  recover(bytes, overrides) {
    this.#start('recovery', bytes, null, [bytes.buffer], overrides);
  }

  #start(kind, checkpoint, name = null, transfer = [], overrides = null) {
    if (this.panel.prompting) this.panel.hidePrompt();
    this.host.state.resumePrompt = null;
    this.#creating.push({ kind, name });
    this.host.send({ type: 'reset', options: { backend: this.host.options().backend, ...overrides }, checkpoint }, transfer);
  }

  /**
   * Follows the session's replies; true where one is fully handled here (a checkpoint that
   * failed to open), so app.js does not treat it as a failed fresh start.
   */
  receive(message) {
    const { state } = this.host;
    if (message.type === 'ready') {
      const { kind, name } = this.#creating.shift() ?? { kind: 'fresh' };
      this.#hasTrainer = true;
      this.panel.setReady(true);
      state.resumedFrom = kind === 'fresh' ? null : message.step;
      this.autosave.begin(message.step, { stored: kind === 'stored', savedAt: this.#record?.savedAt });
      if (kind === 'stored') {
        Object.assign(state, { savedStep: message.step, savedAt: this.#record.savedAt });
        this.panel.announce(STRINGS.resumed(message.step));
      }
      if (kind === 'file') this.panel.announce(STRINGS.opened(name, message.step));
      return false;
    }
    if (message.type !== 'error' || message.about !== 'reset') return false;
    const { kind, name } = this.#creating.shift() ?? { kind: 'fresh' };
    if (kind === 'fresh') return false;
    if (kind === 'stored' || kind === 'recovery') this.host.showError(STRINGS.resumeFailed(message.message));
    else this.host.showError(STRINGS.openFailed(name, message.message));
    if (this.#hasTrainer) return true;
    // No run yet: ask again, or start fresh.
    if (kind === 'file' && this.#record) this.begin();
    else this.startFresh();
    return true;
  }

  /** The current run has trained to `step` (a `trained` reply of the current trainer). */
  trained(step) {
    this.autosave.trained(step);
  }

  /** Downloads the current run as webgan-<architecture>-step-<step>.safetensors. */
  async download() {
    let checkpoint;
    try {
      checkpoint = await this.host.client.checkpoint(this.host.page());
    } catch (error) {
      this.host.showError(STRINGS.downloadFailed(error.message));
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([checkpoint.bytes], { type: 'application/octet-stream' }));
    link.download = STRINGS.fileName(checkpoint.architecture, checkpoint.step);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  /**
   * Hands the trainer's generator to generate mode through this browser's storage (and saves
   * the run, so that coming back resumes it), then opens generate mode on it.
   */
  async handover() {
    let exported;
    try {
      exported = await this.host.client.exportGenerator();
    } catch (error) {
      this.host.showError(error.message);
      return;
    }
    await this.autosave.save();
    const { bytes, step, architecture, latentDim, conditional } = exported;
    const result = await this.store.save({ key: HANDOVER_KEY, bytes, step, savedAt: Date.now(), architecture, latentDim, conditional });
    if (!result.ok) {
      this.host.showError(STRINGS.handoverFailed(result.problem));
      return;
    }
    const query = new URLSearchParams({ mode: 'generate', weights: HANDOVER_WEIGHTS });
    const backend = new URLSearchParams(location.search).get('backend');
    if (backend) query.set('backend', backend);
    location.assign(`?${query}`);
  }
}
