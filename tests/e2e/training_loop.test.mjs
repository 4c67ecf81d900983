// The animation-frame training loop, in Node with frames run by hand: at most one `train`
// request per frame, none while one is in flight or before the trainer is ready, a grid every
// GRID_EVERY steps, and pause, step-once and reset.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { GRID_EVERY, MAX_STEPS_PER_FRAME, clampStepsPerFrame } from '../../www/protocol.js';
import { TrainingLoop } from '../../www/training_loop.js';

let callbacks, nextFrameId;
globalThis.requestAnimationFrame = (callback) => { callbacks.set(++nextFrameId, callback); return nextFrameId; };
globalThis.cancelAnimationFrame = (id) => callbacks.delete(id);
/** Runs one animation frame: the callbacks scheduled so far. */
const frame = () => {
  const due = [...callbacks.values()];
  callbacks.clear();
  for (const callback of due) callback();
};
beforeEach(() => { callbacks = new Map(); nextFrameId = 0; });

function loop(steps = 5) {
  const sent = [];
  const shown = [];
  const l = new TrainingLoop((m) => sent.push(m), { stepsPerFrame: () => steps, onPlaying: (p) => shown.push(p) });
  return { l, sent, shown };
}
const trained = (step) => ({ type: 'trained', stats: { step }, steps: 1 });

test('one request per frame, never before ready nor while one is in flight', () => {
  const { l, sent, shown } = loop();
  l.setPlaying(true);
  assert.equal(l.playing, true);
  assert.deepEqual(shown, [true]);
  frame();
  assert.deepEqual(sent, [], 'not ready');
  l.receive({ type: 'ready' });
  frame();
  assert.deepEqual(sent, [{ type: 'train', steps: 5, grid: false }]);
  frame();
  assert.equal(sent.length, 1, 'in flight');
  l.receive(trained(5));
  assert.equal(l.step, 5);
  frame();
  assert.equal(sent.length, 2);
  l.setPlaying(true); // playing already: still one frame callback
  assert.equal(callbacks.size, 1);
});

test('a grid every GRID_EVERY steps', () => {
  const { l, sent } = loop(7);
  l.receive({ type: 'ready' });
  l.setPlaying(true);
  const grids = [];
  for (let i = 0; i < 9; i++) {
    frame();
    const { grid } = sent.at(-1);
    grids.push(grid);
    l.receive(trained(l.step + 7));
    if (grid) l.receive({ type: 'grid' });
  }
  // Requests ending at steps 21, 42 and 63 ask for one: 20 or more steps after the last grid.
  assert.deepEqual(grids, [false, false, true, false, false, true, false, false, true]);
  assert.equal(GRID_EVERY, 20);
});

test('pause cancels the frames; step once pauses and asks for one step', () => {
  const { l, sent, shown } = loop();
  l.receive({ type: 'ready' });
  l.setPlaying(true);
  l.setPlaying(false);
  assert.equal(callbacks.size, 0);
  frame();
  assert.deepEqual(sent, []);
  l.setPlaying(true);
  l.stepOnce();
  assert.equal(l.playing, false);
  assert.deepEqual(shown, [true, false, true, false]);
  assert.deepEqual(sent, [{ type: 'train', steps: 1, grid: false }]);
  l.stepOnce();
  assert.equal(sent.length, 1, 'in flight');
  l.receive({ type: 'error', about: 'train', message: 'boom' });
  l.stepOnce();
  assert.equal(sent.length, 2, 'an error frees the loop');
});

test('after a reset, replies of the replaced trainer do not count', () => {
  const { l, sent } = loop();
  l.receive({ type: 'ready' });
  l.stepOnce();
  l.reset();
  l.receive(trained(1));
  assert.equal(l.step, 0);
  assert.equal(l.inFlight, false);
  l.stepOnce();
  assert.equal(sent.length, 1, 'waits for the new trainer');
  l.receive({ type: 'ready' });
  l.receive({ type: 'trained', stats: null, reason: 'waiting for data' });
  assert.equal(l.step, 0);
});

test('a resumed trainer\'s ready carries on from its step, and its next grid is GRID_EVERY steps on', () => {
  const { l, sent } = loop(5);
  l.receive({ type: 'ready' });
  l.receive(trained(35));
  l.receive({ type: 'ready', step: 12400 }); // a checkpoint opened mid-run
  assert.equal(l.step, 12400);
  const grids = [];
  for (let i = 0; i < 4; i++) {
    l.stepOnce();
    grids.push(sent.at(-1).grid);
    l.receive(trained(l.step + 1));
  }
  assert.equal(l.step, 12404);
  assert.deepEqual(grids, [false, false, false, false]);
  l.receive({ type: 'ready', step: 0 });
  assert.equal(l.step, 0);
});

test('steps per frame are clamped to 1..MAX_STEPS_PER_FRAME', () => {
  assert.equal(clampStepsPerFrame('7.9', 5), 7);
  assert.equal(clampStepsPerFrame(0, 5), 1);
  assert.equal(clampStepsPerFrame(-3, 5), 1);
  assert.equal(clampStepsPerFrame(1000, 5), MAX_STEPS_PER_FRAME);
  assert.equal(clampStepsPerFrame('', 1), 1);
  assert.equal(clampStepsPerFrame('many', 5), 5);
  assert.equal(MAX_STEPS_PER_FRAME, 200);
});
