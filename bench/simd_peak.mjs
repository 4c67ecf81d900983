// The most f32 multiply-adds a second that one core does in 128-bit wasm SIMD, as two
// instructions and as relaxed SIMD's fused one: the ceiling under WebGAN's CPU step. Builds
// bench/simd_peak (a dependency-free crate) and times its loops in a page. The full and `speed`
// benches run it (run.mjs); `node bench/simd_peak.mjs` runs it alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, open, ROOT } from '../tests/e2e/harness.mjs';

/** Builds the loops' wasm (beside the project's own builds) and returns its bytes. */
function build() {
  const target = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'simd_peak');
  execFileSync('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown'], {
    cwd: join(ROOT, 'bench', 'simd_peak'),
    env: { ...process.env, CARGO_TARGET_DIR: target, RUSTFLAGS: '-C target-feature=+simd128,+relaxed-simd' },
    stdio: 'inherit',
  });
  return [...readFileSync(join(target, 'wasm32-unknown-unknown', 'release', 'simd_peak.wasm'))];
}

/** Billions of multiply-adds a second, best of 5 rounds, for each way of writing one. */
export async function measureSimdPeak(browser) {
  const bytes = build();
  const { page } = await open(browser, 'about:blank');
  try {
    return await page.evaluate(async (bytes) => {
      const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
      const out = {};
      for (const name of ['mul_add', 'relaxed_madd']) {
        const run = instance.exports[name];
        run(1e6, 1e-3); // tier up
        const rates = [];
        for (let round = 0; round < 5; round += 1) {
          const iterations = 5e7;
          const started = performance.now();
          const value = run(iterations, 1e-3);
          const seconds = (performance.now() - started) / 1000;
          if (!Number.isFinite(value)) throw new Error(`${name} returned ${value}`);
          rates.push((iterations * 12 * 4) / seconds / 1e9);
        }
        out[name] = { gigaMultiplyAddsPerSecond: rates, best: Math.max(...rates) };
      }
      return out;
    }, bytes);
  } finally {
    await page.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await launch();
  try {
    console.log(JSON.stringify(await measureSimdPeak(browser), null, 2));
  } finally {
    await browser.close();
  }
}
