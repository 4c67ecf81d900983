// The train view's checkpoint controls (their markup is in index.html): the resume prompt,
// the note shown when storage fails, the Download / Open / hand-over buttons, the view as a
// drop target for checkpoint files, and one polite live region that says what happened.
import { dropFiles, pickFiles } from './file_drop.js';
import { T } from './i18n.js';

const STRINGS = T.checkpoint;

const $ = (id) => document.getElementById(id);

export class CheckpointPanel {
  /**
   * @param {HTMLElement} view the train view, which takes dropped files
   * @param {object} handlers
   * @param {() => void} handlers.onResume the prompt's Resume
   * @param {() => void} handlers.onFresh the prompt's Start fresh
   * @param {() => void} handlers.onDownload
   * @param {(file: {name: string, bytes: Uint8Array}) => void} handlers.onOpen a picked or dropped file
   * @param {() => void} handlers.onHandover
   * @param {(message: string) => void} handlers.onError a file that could not be read
   */
  constructor(view, { onResume, onFresh, onDownload, onOpen, onHandover, onError }) {
    for (const element of view.querySelectorAll('[data-string]')) element.textContent = STRINGS[element.dataset.string];
    $('checkpoints').setAttribute('aria-label', STRINGS.checkpointsLabel);
    $('storage-note-close').setAttribute('aria-label', STRINGS.dismiss);
    view.dataset.dropHint = STRINGS.dropHint;
    $('resume-yes').addEventListener('click', () => { this.hidePrompt(); onResume(); });
    $('resume-no').addEventListener('click', () => { this.hidePrompt(); onFresh(); });
    $('download-checkpoint').addEventListener('click', onDownload);
    $('use-generator').addEventListener('click', onHandover);
    $('storage-note-close').addEventListener('click', () => this.hideNote());
    const failed = (error) => onError(error.message ?? String(error));
    pickFiles($('open-checkpoint'), $('checkpoint-file'), onOpen, failed);
    dropFiles(view, onOpen, failed);
  }

  /** Whether the resume prompt is waiting for an answer. */
  get prompting() { return !$('resume').hidden; }

  /** Asks whether to resume `record` (a stored checkpoint), with the focus on Resume. */
  showPrompt(record) {
    $('resume-text').textContent = STRINGS.resumePrompt(record.step, record.savedAt);
    $('resume').hidden = false;
    $('resume-yes').focus();
  }

  hidePrompt() {
    const focused = $('resume').contains(document.activeElement);
    $('resume').hidden = true;
    if (focused) $('start').focus(); // not lost to the body
  }

  /** A non-modal note (storage failed) that stays until dismissed or until a save works again. */
  showNote(text) {
    $('storage-note-text').textContent = text;
    $('storage-note').hidden = false;
    this.announce(text);
  }

  hideNote() {
    $('storage-note').hidden = true;
  }

  /** Says `text` to assistive technology, politely. */
  announce(text) {
    $('checkpoint-status').textContent = text;
  }

  /** Enables the buttons that need a trainer, once there is one. */
  setReady(ready) {
    for (const id of ['download-checkpoint', 'use-generator']) $(id).disabled = !ready;
  }
}
