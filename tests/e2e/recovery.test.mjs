// A run that goes wrong is not lost (issue 16): on the demo page (CPU backend), a run that
// diverges stops, says so, and rolls back to its last in-memory checkpoint at a lower learning
// rate; a worker that dies is restarted from that checkpoint. Both faults come from the
// worker's test-only `test-fault` message: 'diverge' makes the next step overflow to NaN, so
// that train_step's own divergence check fires; 'throw' throws in the worker outside any
// request. Screenshots of both panels go to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, open, axeViolations, cpuModule, OUTPUT } from './harness.mjs';
import { RECOVERY_EVERY, ROLLBACK_LR_DIVISOR } from '../../www/protocol.js';
import { overflowing } from '../../www/test_faults.js';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const TRAIN = '/www/index.html?backend=cpu&autoplay=0&steps=20&preset=default';
const state = (p) => p.evaluate(() => ({ ...window.webgan }));
const shot = (p, name, width) => p.screenshot({ path: join(OUTPUT, `${name}-${width}.png`), fullPage: true });

/** The page with a trainer and the whole dataset, trained until its recovery point is past `step`. */
async function trainedPast(width, step) {
  const { page: p, errors } = await open(browser, `${server.url}${TRAIN}`, { viewport: { width, height: 900 } });
  await p.waitForFunction(() => window.webgan.backend === 'cpu', null, { timeout: 60_000 });
  await p.waitForFunction(() => document.getElementById('data-status').textContent === '10,000 images', null, { timeout: 60_000 });
  await p.click('#start');
  await p.waitForFunction((n) => window.webgan.recoveryStep >= n, step, { timeout: 120_000 });
  return { p, errors };
}

test('train_step names the step by which a run diverged, keeps refusing, and a checkpoint resumes at a new learning rate', async () => {
  const wasm = await cpuModule();
  const options = { backend: 'cpu', batchSize: 4, seed: 1 };
  const trainer = await wasm.GanTrainer.create(options);
  const images = new Uint8Array(4 * 784 * 3).map((_, i) => (i * 37) % 256);
  await trainer.train_steps(images, 3);
  const checkpoint = await trainer.export_checkpoint();
  // D's first layer at 3e38: its logits overflow, and the losses with them.
  const weights = overflowing(new Uint8Array(await trainer.export_weights()));
  const overflowed = await wasm.GanTrainer.create({ ...options, weights });
  assert.equal(overflowed.diverged, undefined);
  const one = images.subarray(0, 4 * 784);
  await assert.rejects(overflowed.train_step(one), (error) => {
    assert.equal(error.name, 'TrainingDiverged');
    assert.equal(error.step, 1);
    assert.match(error.message, /^train_step: training diverged by step 1: D loss NaN, G loss NaN, D\(x\) NaN, D\(G\(z\)\) NaN\. /);
    return true;
  });
  await assert.rejects(overflowed.train_steps(images, 3), { name: 'TrainingDiverged', step: 1, message: /^train_steps: this trainer diverged by step 1;/ });
  assert.equal(overflowed.diverged, 1);
  // The healthy trainer's checkpoint resumes at a lower rate; nothing else may change.
  const resumed = await wasm.GanTrainer.create({ backend: 'cpu', checkpoint, learningRate: 5e-4, discriminatorLearningRate: 1e-3 });
  const saved = wasm.GanTrainer.checkpoint_info(await resumed.export_checkpoint());
  assert.deepEqual([saved.step, saved.options.learningRate, saved.options.discriminatorLearningRate], [3, 5e-4, 1e-3]);
  assert.equal((await resumed.train_step(one)).step, 4);
  await assert.rejects(wasm.GanTrainer.create({ backend: 'cpu', checkpoint, batchSize: 8 }), {
    message: 'GanTrainer.create: the checkpoint was saved with batchSize 4, and option batchSize is 8; leave it out to resume the run',
  });
});

test('a run that diverges stops, says so, and rolls back to its last good step at a lower learning rate', { timeout: 300_000 }, async () => {
  for (const width of [1280, 360]) {
    const { p, errors } = await trainedPast(width, RECOVERY_EVERY);
    const { recoveryStep } = await state(p);
    assert.equal(recoveryStep % RECOVERY_EVERY, 0, `recovery points every ${RECOVERY_EVERY} steps, got ${recoveryStep}`);
    await p.evaluate(() => window.webgan.fault('diverge'));
    await p.waitForFunction(() => window.webgan.recovery?.kind === 'diverged', null, { timeout: 60_000 });
    const diverged = await state(p);
    assert.equal(diverged.playing, false, 'training stops');
    assert.ok(diverged.recovery.step > recoveryStep, `diverged by step ${diverged.recovery.step}, after the point at ${recoveryStep}`);
    const text = await p.textContent('#recovery-text');
    assert.match(text, new RegExp(`^Training diverged by step ${diverged.recovery.step.toLocaleString('en')}: the losses are no longer numbers`));
    const rate = 2e-3 / ROLLBACK_LR_DIVISOR;
    assert.equal(await p.textContent('#recovery-go'), `Roll back to step ${recoveryStep} (learning rate ${Number(rate.toPrecision(2))})`);
    assert.equal(await p.locator('#recovery-fresh').textContent(), 'Start over');
    assert.deepEqual(await axeViolations(p), []);
    await shot(p, 'recovery-diverged', width);
    if (width === 360) {
      assert.deepEqual(errors, []);
      await p.close();
      continue;
    }

    // Roll back: the run goes on from the recovery point, at the lower rate, and learns.
    await p.click('#recovery-go');
    await p.waitForFunction((n) => window.webgan.step > n + 40, recoveryStep, { timeout: 60_000 });
    const after = await state(p);
    assert.deepEqual(after.recovery, { kind: 'rollback', step: recoveryStep, learningRate: rate });
    assert.equal(Number(await p.inputValue('#lr')), rate, 'the settings show the rate it goes on at');
    assert.equal(await p.locator('#recovery').isHidden(), true);
    assert.ok(after.history.every((s) => Number.isFinite(s.d_loss) && Number.isFinite(s.g_loss)), 'finite losses after the rollback');
    assert.equal(after.history[0].step, recoveryStep + 20, 'the first step after the rollback follows the recovery point');
    assert.deepEqual(errors, []);
    await p.close();
  }
});

test('a worker that dies is restarted from the last recovery point, and training goes on', { timeout: 300_000 }, async () => {
  const { p, errors } = await trainedPast(1280, RECOVERY_EVERY);
  await p.evaluate(() => window.webgan.fault('throw'));
  await p.waitForFunction(() => window.webgan.recovery?.kind === 'worker', null, { timeout: 60_000 });
  const { recoveryStep, playing } = await state(p);
  assert.equal(playing, false);
  const text = await p.textContent('#recovery-text');
  assert.equal(text, `The training worker stopped (Uncaught Error: test fault: the worker threw). Your run is kept up to step ${recoveryStep.toLocaleString('en')}: restart from there.`);
  assert.equal(await p.textContent('#recovery-go'), `Restart from step ${recoveryStep.toLocaleString('en')}`);
  await shot(p, 'recovery-worker', 1280);

  await p.click('#recovery-go');
  await p.waitForFunction((n) => window.webgan.step > n + 40, recoveryStep, { timeout: 60_000 });
  const after = await state(p);
  assert.deepEqual(after.recovery, { kind: 'restart', step: recoveryStep });
  assert.equal(after.history[0].step, recoveryStep + 20);
  assert.equal(await p.textContent('#data-status'), '10,000 images', 'the new worker has the dataset');

  // A trap in the new worker (a panic, or memory exhausted): its module is unusable, so the
  // same offer, from the new worker's own first recovery point.
  await p.evaluate(() => window.webgan.fault('trap'));
  await p.waitForFunction(() => window.webgan.recovery?.kind === 'worker', null, { timeout: 60_000 });
  const trapped = await state(p);
  assert.equal(await p.textContent('#recovery-text'),
    `The training worker stopped (unreachable (test fault: a trap)). Your run is kept up to step ${trapped.recoveryStep.toLocaleString('en')}: restart from there.`);
  assert.ok(trapped.recoveryStep >= recoveryStep);
  await p.click('#recovery-go');
  await p.waitForFunction((n) => window.webgan.step > n + 40, trapped.recoveryStep, { timeout: 60_000 });
  assert.deepEqual((await state(p)).recovery, { kind: 'restart', step: trapped.recoveryStep });
  assert.deepEqual(errors, []);
  await p.close();
});

test('a lost GPU: training goes on, on the CPU, from the last recovery point', { timeout: 420_000 }, async () => {
  // SwiftShader's WebGPU, about a step a second: the recovery point is the one taken after
  // RECOVERY_EVERY_MS of training.
  const { page: p, errors } = await open(browser, `${server.url}/www/index.html?backend=webgpu&autoplay=0&steps=2&preset=default`, { viewport: { width: 1280, height: 900 } });
  await p.waitForFunction(() => window.webgan.backend === 'webgpu', null, { timeout: 120_000 });
  await p.click('#start');
  await p.waitForFunction(() => window.webgan.recoveryStep > 0, null, { timeout: 240_000 });
  const { recoveryStep } = await state(p);
  await p.evaluate(() => window.webgan.fault('lose-gpu'));
  await p.waitForFunction(() => window.webgan.recovery?.kind === 'gpu', null, { timeout: 60_000 });
  assert.equal(await p.textContent('#recovery-text'), `The GPU was reset; training continues on the CPU from step ${recoveryStep.toLocaleString('en')}.`);
  await p.waitForFunction((n) => window.webgan.backend === 'cpu' && window.webgan.step > n + 10, recoveryStep, { timeout: 120_000 });
  const after = await state(p);
  assert.equal(after.playing, true, 'it goes on by itself');
  assert.equal(after.history[0].step, recoveryStep + 2, 'the first CPU step follows the recovery point');
  assert.ok(after.history.every((s) => Number.isFinite(s.d_loss)));
  assert.equal(await p.textContent('#backend'), 'CPU (WebAssembly)');
  assert.equal(await p.inputValue('#backend-choice'), 'cpu', 'Reset would start on the CPU too');
  await shot(p, 'recovery-gpu', 1280);
  assert.deepEqual(errors, []);
  await p.close();
});
