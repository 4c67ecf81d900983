// Seeded random numbers for the page and the data script, so fixed noise and shuffles repeat.

/**
 * Mulberry32: a function returning seeded floats in [0, 1). Its `state` (an unsigned 32-bit
 * integer) can be read and set, so a sequence can be saved and continued exactly.
 */
export function seeded(seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Object.defineProperty(random, 'state', {
    get: () => state >>> 0,
    set: (value) => { state = checkedState(value); },
  });
  return random;
}

/** `value` as a generator state, or an Error that says what is wrong with it. */
function checkedState(value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`a random state must be an integer from 0 to 4294967295, got ${JSON.stringify(value)}`);
  }
  return value | 0;
}

/** `count` standard normal values (Box–Muller) drawn from `random`. */
export function normalNoise(count, random) {
  const out = new Float32Array(count);
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
