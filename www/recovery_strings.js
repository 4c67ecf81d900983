// The UI strings of recovering a run that went wrong (recovery.js), in one table (a later issue
// adds a table per language).

const LOCALE = 'en';
const number = (n) => n.toLocaleString(LOCALE);
/** An error's message inside a sentence of ours: without its own closing full stop. */
const clause = (message) => String(message).replace(/\.+$/, '');

/** Every string of the recovery panel, in one table. */
export const STRINGS = {
  diverged: (step, last) => `Training diverged by step ${number(step)}: the losses are no longer numbers, so the networks cannot learn from here. `
    + `Roll back to step ${number(last)}, the last good point, and go on at a lower learning rate, or start over.`,
  divergedNoPoint: (step) => `Training diverged by step ${number(step)}: the losses are no longer numbers. There is no earlier point to roll back to; start over, perhaps at a lower learning rate.`,
  rollBack: (step, learningRate) => `Roll back to step ${number(step)} (learning rate ${Number(learningRate.toPrecision(2))})`,
  workerDied: (why, last) => `The training worker stopped (${clause(why)}). Your run is kept up to step ${number(last)}: restart from there.`,
  workerDiedNoPoint: (why) => `The training worker stopped (${clause(why)}) before the run could be kept; start over.`,
  gpuLost: (step) => `The GPU was reset; training continues on the CPU from step ${number(step)}.`,
  gpuLostNoPoint: (why) => `The GPU was reset (${clause(why)}) before the run could be kept; start over.`,
  restartFrom: (step) => `Restart from step ${number(step)}`,
  startOver: 'Start over',
};
