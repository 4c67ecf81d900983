// WebGAN's classic MLP GAN step in jax-js (@jax-js/jax), for `./build.sh bench peers`: the whole
// step (noise, both forwards and backwards, both Adam updates) is one jit-compiled function.
// jax-js counts references: every function takes ownership of the arrays passed to it, so an
// array used twice is passed as `.ref` (or `tree.ref`) the first time.
import { init, defaultDevice, jit, vjp, valueAndGrad, numpy as np, random, tree } from '../../node_modules/@jax-js/jax/dist/index.js';

const LATENT = 100;
const HIDDEN = 256;
const PIXELS = 784;
const [LR, BETA1, BETA2, EPS] = [2e-4, 0.5, 0.999, 1e-8];

/** jax-js on `backend` ('wasm', 'webgpu', 'cpu' or 'webgl'), training the classic MLP GAN. */
export async function createPeer(backend, { batch = 64, seed = 1 } = {}) {
  const available = await init(backend);
  if (!available.includes(backend)) throw new Error(`jax-js: backend ${backend} is not available`);
  defaultDevice(backend);
  const version = await packageVersion();

  // PyTorch's Linear initialisation: weights and biases uniform in ±1/sqrt(fan_in).
  const keys = random.split(random.key(seed), 9);
  const [k1, k2, k3, k4, k5, k6, k7, k8, kNoise] = np.unstack(keys);
  const uniform = (k, shape, fanIn) => random.uniform(k, shape, { minval: -1 / Math.sqrt(fanIn), maxval: 1 / Math.sqrt(fanIn) });
  const linear = (kw, kb, fanIn, fanOut) => [uniform(kw, [fanIn, fanOut], fanIn), uniform(kb, [fanOut], fanIn)];
  const [gw1, gb1] = linear(k1, k2, LATENT, HIDDEN);
  const [gw2, gb2] = linear(k3, k4, HIDDEN, PIXELS);
  const [dw1, db1] = linear(k5, k6, PIXELS, HIDDEN);
  const [dw2, db2] = linear(k7, k8, HIDDEN, 1);
  const g = { w1: gw1, b1: gb1, w2: gw2, b2: gb2 };
  const d = { w1: dw1, b1: db1, w2: dw2, b2: db2 };
  const adamState = (params) => ({ m: tree.map((p) => np.zeros(p.shape), params), v: tree.map((p) => np.zeros(p.shape), params), t: np.zeros([]) });
  let state = { g, d, optG: adamState(g), optD: adamState(d), key: kNoise };
  const step = jit(trainStep);
  let losses = null;

  return {
    library: 'jax-js',
    backend,
    version,
    // The wasm backend runs kernels on a pool of navigator.hardwareConcurrency workers when
    // SharedArrayBuffer is available (a cross-origin isolated page), else on the page's thread.
    threads: backend === 'wasm' ? (typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined' ? navigator.hardwareConcurrency : 1) : null,
    async train(batches, n) {
      for (let i = 0; i < n; i++) {
        const x = np.array(batches[i]).reshape([batch, PIXELS]);
        const out = step(state, x);
        state = out.state;
        tree.dispose(losses);
        losses = { dLoss: out.dLoss, gLoss: out.gLoss };
      }
      // Reading the losses waits for the queued steps; data() consumes the arrays.
      const [dLoss, gLoss] = await Promise.all([losses.dLoss.data(), losses.gLoss.data()]);
      losses = null;
      return { dLoss: dLoss[0], gLoss: gLoss[0] };
    },
    dispose() {
      tree.dispose(state);
      tree.dispose(losses);
      step.dispose();
    },
  };

  /** One GAN step: returns the new parameters, Adam moments and key, and both losses. */
  function trainStep(state, real) {
    const { g, d, optG, optD, key } = state;
    const [kz, nextKey] = np.unstack(random.split(key));
    const z = random.normal(kz, [batch, LATENT]);
    // G's forward, kept (with its backward) for the G update.
    const [fake, generatorVjp] = vjp((gp) => generate(gp, z), [tree.ref(g)]);
    // (1) D: BCE(D(real), 1) + BCE(D(fake), 0), the fakes detached (no gradient to G here).
    const dLossOf = (dp, real, fake) => bce(discriminate(tree.ref(dp), real), 1).add(bce(discriminate(dp, fake), 0));
    const [dLoss, dGrad] = valueAndGrad(dLossOf)(tree.ref(d), real, fake.ref);
    const [d2, optD2] = adam(d, dGrad, optD);
    // (2) G: BCE(D(G(z)), 1) through the updated D, back through G's kept graph.
    const gLossOf = (fake, dp) => bce(discriminate(dp, fake), 1);
    const [gLoss, dFake] = valueAndGrad(gLossOf)(fake, tree.ref(d2));
    const [gGrad] = generatorVjp(dFake);
    generatorVjp.dispose();
    const [g2, optG2] = adam(g, gGrad, optG);
    return { state: { g: g2, d: d2, optG: optG2, optD: optD2, key: nextKey }, dLoss, gLoss };
  }
}

/** G: Linear(100, 256) → ReLU → Linear(256, 784) → tanh. */
function generate(p, z) {
  const h = np.maximum(np.matmul(z, p.w1).add(p.b1), 0);
  return np.tanh(np.matmul(h, p.w2).add(p.b2));
}

/** D: Linear(784, 256) → LeakyReLU(0.2) → Linear(256, 1), a logit per image. */
function discriminate(p, x) {
  const h = np.matmul(x, p.w1).add(p.b1);
  const leaky = np.maximum(h.ref, h.mul(0.2));
  return np.matmul(leaky, p.w2).add(p.b2);
}

/** Mean binary cross-entropy of `logits` against the label 1 or 0, in the stable form
 *  max(x, 0) − x·y + log(1 + e^−|x|). */
function bce(logits, label) {
  const x = logits.mul(label === 1 ? -1 : 1); // softplus(−x) for 1, softplus(x) for 0
  return np.mean(np.maximum(x.ref, 0).add(np.log(np.exp(np.absolute(x).mul(-1)).add(1))));
}

/** Adam (PyTorch's form): m̂ / (sqrt(v̂) + ε), the bias corrections from the step count t. */
function adam(params, grads, { m, v, t }) {
  const t1 = t.add(1);
  const correction1 = np.exp(t1.ref.mul(Math.log(BETA1))).mul(-1).add(1); // 1 − β1^t
  const correction2 = np.exp(t1.ref.mul(Math.log(BETA2))).mul(-1).add(1); // 1 − β2^t
  const m2 = tree.map((m, g) => m.mul(BETA1).add(g.mul(1 - BETA1)), m, tree.ref(grads));
  const v2 = tree.map((v, g) => v.mul(BETA2).add(np.square(g).mul(1 - BETA2)), v, grads);
  const sqrtC2 = np.sqrt(correction2);
  const lrC1 = np.reciprocal(correction1).mul(LR);
  const p2 = tree.map((p, m, v) => p.sub(m.mul(lrC1.ref).div(np.sqrt(v).div(sqrtC2.ref).add(EPS))), params, tree.ref(m2), tree.ref(v2));
  lrC1.dispose();
  sqrtC2.dispose();
  return [p2, { m: m2, v: v2, t: t1 }];
}

/** The installed jax-js version, from its package.json (the library exports none). */
async function packageVersion() {
  try {
    return (await (await fetch(new URL('../../node_modules/@jax-js/jax/package.json', import.meta.url))).json()).version;
  } catch {
    return null;
  }
}
