// `./build.sh profile`: where a CPU train step spends its time in the browser. Samples
// headless Chromium's profiler while the benchmark page trains on the CPU backend and prints
// self time per function (wasm names come from a build that keeps its name section).
import { serve, launch, open } from '../tests/e2e/harness.mjs';

const STEPS = 500;
const server = await serve();
const browser = await launch();
let profile;
try {
  const { page } = await open(browser, `${server.url}/bench/bench.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 120_000 });
  page.setDefaultTimeout(0);
  await page.evaluate(() => window.runBackend('cpu', { everyStepSteps: 1, everyFiftySteps: 50, memory: false }));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.evaluate((steps) => window.runBackend('cpu', { everyStepSteps: 1, everyFiftySteps: steps, memory: false }), STEPS);
  ({ profile } = await cdp.send('Profiler.stop'));
} finally {
  await browser.close();
  server.close();
}

// Self time per function: each sample lands in one node; nodes share a function by name.
// Callers too: the same low-level function (a copy, an allocation) serves many tensor ops.
const seconds = new Map();
const callers = new Map();
const dt = (profile.endTime - profile.startTime) / 1e6 / profile.samples.length;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nameOf = (id) => {
  const { functionName, url } = byId.get(id).callFrame;
  return functionName || `(anonymous ${url.split('/').pop()})`;
};
const short = (name) => (name.length > 110 ? `${name.slice(0, 107)}...` : name);
for (const id of profile.samples) {
  const name = nameOf(id);
  seconds.set(name, (seconds.get(name) ?? 0) + dt);
  // The chain of the three nearest callers with a different name.
  const chain = [];
  for (let at = parent.get(id); at !== undefined && chain.length < 3; at = parent.get(at)) {
    const caller = nameOf(at);
    if (caller !== name && caller !== chain.at(-1)) chain.push(caller.replace(/::h[0-9a-f]{16}$/, ''));
  }
  const byChain = callers.get(name) ?? new Map();
  const key = chain.join(' ← ');
  byChain.set(key, (byChain.get(key) ?? 0) + dt);
  callers.set(name, byChain);
}
const total = [...seconds.values()].reduce((a, b) => a + b, 0);
const idle = (seconds.get('(idle)') ?? 0) + (seconds.get('(program)') ?? 0);
console.log(`${profile.samples.length} samples over ${total.toFixed(2)} s (${STEPS} steps; idle/program ${(100 * idle / total).toFixed(1)}%)`);
const rows = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [name, s] of rows) {
  console.log(`${(100 * s / total).toFixed(1).padStart(5)}%  ${(1000 * s / STEPS).toFixed(2).padStart(6)} ms/step  ${short(name)}`);
}
console.log('\nCallers of the ten largest:');
for (const [name] of rows.slice(0, 10)) {
  console.log(short(name));
  const top = [...callers.get(name)].sort((a, b) => b[1] - a[1]).slice(0, 4);
  for (const [chain, s] of top) console.log(`  ${(1000 * s / STEPS).toFixed(2).padStart(6)} ms/step  ← ${chain.slice(0, 200)}`);
}
