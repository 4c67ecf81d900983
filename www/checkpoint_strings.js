// The UI strings of checkpoints (saving, resuming, opening files, the hand-over to generate
// mode) on the demo page and in <webgan-demo persist>, in one table (a later issue adds a table
// per language).

const LOCALE = 'en';
const number = (n) => n.toLocaleString(LOCALE);
const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });

/** "just now", "5 seconds ago", "2 minutes ago", "3 hours ago", "yesterday", … */
function ago(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return relative.format(-seconds, 'second');
  if (seconds < 3600) return relative.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86400) return relative.format(-Math.round(seconds / 3600), 'hour');
  return relative.format(-Math.round(seconds / 86400), 'day');
}

/** Why storage failed, by the kind checkpoint_store.js and autosave.js report. */
const REASONS = {
  quota: 'quota full',
  unavailable: 'storage is not available here, as in a private window',
  blocked: 'another tab of this page holds it',
};
const reason = ({ kind, message }) => REASONS[kind] ?? message;
/** An error's message inside a sentence of ours: without its own closing full stop. */
const clause = (message) => String(message).replace(/\.+$/, '');

/** Every string of the checkpoint controls, in one table. */
export const STRINGS = {
  ago,
  resumePrompt: (step, savedAt, now = Date.now()) => `Resume training from step ${number(step)}, saved ${ago(now - savedAt)}?`,
  resume: 'Resume',
  startFresh: 'Start fresh',
  checkpointsLabel: 'Checkpoints',
  download: 'Download checkpoint',
  open: 'Open checkpoint…',
  useGenerator: 'Use this generator in Generate mode',
  dropHint: 'Drop a checkpoint (.safetensors) here to continue from it',
  fileName: (architecture, step) => `webgan-${architecture}-step-${step}.safetensors`,
  storageNote: (problem) => {
    if (problem.kind === 'checkpoint') return `Could not make a checkpoint (${clause(problem.message)}): training goes on.`;
    if (problem.kind === 'other-tab') {
      return 'Another tab of this page is saving its own run in this browser, so this run is not saved here; this tab takes over when that one closes. Use Download checkpoint to keep it.';
    }
    return `Could not save to this browser's storage (${reason(problem)}): training goes on; use Download checkpoint to keep it.`;
  },
  dismiss: 'Dismiss',
  saved: (step) => `Saved at step ${number(step)} in this browser.`,
  resumed: (step) => `Resumed from step ${number(step)}.`,
  opened: (name, step) => `Opened ${name}: training continues from step ${number(step)}.`,
  openFailed: (name, message) => `Could not open ${name}: ${clause(message)}. The current run goes on.`,
  resumeFailed: (message) => `Could not resume the saved run: ${clause(message)}. Starting fresh.`,
  noFile: 'That was not a file: drop a .safetensors file.',
  downloadFailed: (message) => `Could not download a checkpoint: ${message}`,
  handoverFailed: (problem) => `Could not hand the generator over through this browser's storage (${reason(problem)}).`,
  handoverMissing: 'No generator has been handed over from training in this browser: train one, then press "Use this generator in Generate mode". Showing the pretrained generator instead.',
  handoverName: (step) => `Your trained generator (step ${number(step)})`,
  openGenerator: 'Open a generator file…',
  generatorDropHint: 'Drop a generator (.safetensors) here to draw from it',
  localFile: (name) => `Local file: ${name}`,
  generatorFailed: (name, message) => `Could not open ${name}: ${clause(message)}. The current generator stays.`,
  demoResumed: (step) => `Resumed at step ${number(step)}`,
};
