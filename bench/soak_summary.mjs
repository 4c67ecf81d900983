// The soak's verdict on one run of window.runSoak (bench.html): each figure's growth over the
// run, against issue 16's targets (memory, JS heap and live GPU buffers ≤ 1.05×, steps/s
// within 10%, no non-finite statistics). The run counts from the record at step 1,000, or for a
// shorter run the first at a fifth of it or later: before that, burn's memory pools and the
// kernel cache are still filling (on WebGPU the live buffers rise for the first ~100 steps,
// then stay put). The records from there are split in thirds, and each figure's last third is
// compared with its first: memory, heap and buffers by their peak (the JS heap is a garbage
// collector's sawtooth, so two single readings say little), steps/s by its mean.
//
// `node bench/soak_summary.mjs FILE…` rewrites the summaries of soak JSON files written by
// `./build.sh bench soak` by this rule (their records untouched) and prints them.
import { readFileSync, writeFileSync } from 'node:fs';

export const TARGETS = { growth: 1.05, drift: 0.1 };

export function summarize(run) {
  const from = Math.min(1000, run.steps / 5);
  const records = run.records.slice(run.records.findIndex((r) => r.step >= from));
  const [first, last] = [records[0], records.at(-1)];
  const third = Math.max(1, Math.floor(records.length / 3));
  const [early, late] = [records.slice(0, third), records.slice(-third)];
  const peak = (rows, key) => Math.max(...rows.map((r) => r[key]));
  const growth = (key) => (first[key] === null ? null : peak(late, key) / peak(early, key));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Each record's rate covers the steps since the one before: the baseline's own is warm-up.
  const rates = records.slice(1).map((r) => r.stepsPerSecond);
  const rateThird = Math.max(1, Math.floor(rates.length / 3));
  const summary = {
    baselineStep: first.step,
    wasmMemory: growth('wasmMemoryBytes'), jsHeap: growth('jsHeapBytes'), liveGpuBuffers: growth('liveGpuBuffers'),
    stepsPerSecond: [mean(rates.slice(0, rateThird)), mean(rates.slice(-rateThird))],
    stepsPerSecondDrift: rates.length >= 2 ? mean(rates.slice(-rateThird)) / mean(rates.slice(0, rateThird)) - 1 : null,
    buffers: [first.liveGpuBuffers, last.liveGpuBuffers],
  };
  summary.flat = [summary.wasmMemory, summary.jsHeap, summary.liveGpuBuffers].every((g) => g === null || g <= TARGETS.growth)
    && (summary.stepsPerSecondDrift === null || Math.abs(summary.stepsPerSecondDrift) <= TARGETS.drift) && run.nonFinite === 0;
  return summary;
}

/** One line per run, as the bench prints it. */
export function describe(run, s = run.growth) {
  const f = (x, digits = 3) => (x === null ? '–' : x.toFixed(digits));
  return `${run.model} on ${run.backend}, ${run.steps} steps (records every ${run.every}, from step ${s.baselineStep}): `
    + `wasm memory ×${f(s.wasmMemory)}, JS heap ×${f(s.jsHeap)}, live GPU buffers ×${f(s.liveGpuBuffers)} `
    + `(${s.buffers[0] ?? '–'} → ${s.buffers[1] ?? '–'}), steps/s ${f(s.stepsPerSecond[0], 1)} → ${f(s.stepsPerSecond[1], 1)} `
    + `(drift ${f((s.stepsPerSecondDrift ?? 0) * 100, 1)}%), non-finite ${run.nonFinite}: `
    + `${s.flat ? 'flat' : 'NOT flat'} (targets ≤ ${TARGETS.growth}×, ≤ ${TARGETS.drift * 100}%, 0)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const results = JSON.parse(readFileSync(file, 'utf8'));
    for (const run of results.soak) {
      run.growth = summarize(run);
      run.flat = run.growth.flat;
      console.log(describe(run));
    }
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  }
}
