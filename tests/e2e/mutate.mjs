// Seeded mutations of a valid file or options object, for the tests that feed the page's
// parsers thousands of broken inputs (the JS twin of src/mutate.rs): bit flips, truncations,
// inflated length fields and numbers, another file's header swapped in, bytes inserted or
// deleted; and, for options, values of the wrong type or range, dropped, unknown and swapped
// keys.
import { seeded } from '../../www/random.js';

export const MUTATIONS = 10_000;

const below = (random, n) => Math.floor(random() * Math.max(n, 1));
/** Most of a file's structure sits in its first bytes: aim there half the time. */
const position = (random, length) => below(random, random() < 0.5 ? Math.min(length, 256) : length);

/** One mutation of `valid` (a Uint8Array), with `other` as the source of swapped headers. */
export function mutateBytes(valid, other, random) {
  let bytes = valid.slice();
  switch (below(random, 6)) {
    case 0: {
      const flips = 1 + below(random, 8);
      for (let i = 0; i < flips; i++) bytes[position(random, bytes.length)] ^= 1 << below(random, 8);
      return { bytes, what: `${flips} bit flips` };
    }
    case 1: {
      const keep = below(random, bytes.length);
      return { bytes: bytes.slice(0, keep), what: `truncated to ${keep} bytes` };
    }
    case 2: {
      const values = [0xffffffff, 0x80000000, 0x7fffffff, 1e6, 0, 1];
      const value = values[below(random, values.length)];
      const at = position(random, bytes.length - 4);
      new DataView(bytes.buffer).setUint32(at, value, random() < 0.5);
      return { bytes, what: `4-byte field at ${at} set to ${value}` };
    }
    case 3: {
      const take = Math.min(1 + below(random, Math.min(other.length, 512)), bytes.length);
      bytes.set(other.subarray(0, take));
      return { bytes, what: `the other file's first ${take} bytes swapped in` };
    }
    case 4: {
      const at = position(random, bytes.length);
      const count = 1 + below(random, 16);
      const noise = Uint8Array.from({ length: count }, () => below(random, 256));
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...noise, ...bytes.subarray(at)]);
      return { bytes, what: `${count} bytes inserted at ${at}` };
    }
    default: {
      const at = position(random, bytes.length);
      const count = 1 + below(random, 16);
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + count)]);
      return { bytes, what: `${count} bytes deleted at ${at}` };
    }
  }
}

/** Values of every type and of no sensible range. */
const ODD_VALUES = [
  NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, -1e-308,
  '', '64', 'mlp', 'dcgan', 'wgan-gp', 'bce', 'cpu', 'webgpu', 'classic', 'x'.repeat(10_000),
  true, false, null, undefined, [], [1, 2], {}, { nested: 1 }, new Uint8Array(3), new Float32Array(2),
  () => 1, Symbol('s'), 10n,
];

/** One mutation of an options object: one to three keys changed, dropped, added or swapped. */
export function mutateOptions(valid, random) {
  const options = { ...valid };
  const keys = Object.keys(options);
  const changes = [];
  for (let n = 1 + below(random, 3); n > 0; n--) {
    const key = keys[below(random, keys.length)];
    switch (below(random, 5)) {
      case 0:
      case 1: {
        const value = ODD_VALUES[below(random, ODD_VALUES.length)];
        options[key] = value;
        changes.push(`${key} = ${describe(value)}`);
        break;
      }
      case 2:
        delete options[key];
        changes.push(`no ${key}`);
        break;
      case 3: {
        const unknown = ['learningrate', 'batch_size', '__proto__x', 'steps', ''][below(random, 5)];
        options[unknown] = 1;
        changes.push(`unknown ${JSON.stringify(unknown)}`);
        break;
      }
      default: {
        const other = keys[below(random, keys.length)];
        [options[key], options[other]] = [options[other], options[key]];
        changes.push(`${key} ⇄ ${other}`);
      }
    }
  }
  return { options, what: changes.join(', ') };
}

function describe(value) {
  if (typeof value === 'string') return value.length > 20 ? `"${value.slice(0, 10)}…" (${value.length})` : JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return `${String(value)} (${typeof value})`;
  if (value instanceof Uint8Array || value instanceof Float32Array) return value.constructor.name;
  return JSON.stringify(value) ?? String(value);
}

/**
 * Runs `attempt(input)` on MUTATIONS mutations from `mutate(random)`; `accept(error)` says
 * whether a rejection is a clear refusal. Returns the counts and the first few failures.
 */
export async function run(seed, mutate, attempt, accept) {
  const random = seeded(seed);
  const outcome = { ok: 0, refused: 0, failures: [], failed: 0 };
  for (let number = 0; number < MUTATIONS; number++) {
    const { input, what } = mutate(random);
    try {
      await attempt(input);
      outcome.ok++;
    } catch (error) {
      if (accept(error)) {
        outcome.refused++;
      } else {
        outcome.failed++;
        if (outcome.failures.length < 5) outcome.failures.push(`#${number} (${what}): ${error?.constructor?.name}: ${error?.message ?? error}`);
      }
    }
  }
  return outcome;
}
