// WebGAN's classic MLP GAN step in TensorFlow.js, for `./build.sh bench peers`: written as a
// TensorFlow.js user would, with tf.train.adam and optimizer.minimize, each step in a tf.tidy.
// The ES module builds import '@tensorflow/tfjs-core' (and the wasm backend Node's built-ins):
// bench/bench.html's import map points them at tf.fesm.min.js and an empty module.
const TFJS = '../../node_modules/@tensorflow/tfjs/dist/tf.fesm.min.js';
const WASM = '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.min.js';
const WEBGPU = '../../node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.fesm.min.js';

const LATENT = 100;
const HIDDEN = 256;
const PIXELS = 784;

/** TensorFlow.js on `backend` ('wasm', 'webgl', 'webgpu' or 'cpu'), training the classic MLP GAN. */
export async function createPeer(backend, { batch = 64, seed = 1 } = {}) {
  const tf = await import(TFJS);
  let wasm = null;
  if (backend === 'wasm') {
    wasm = await import(WASM);
    wasm.setWasmPaths(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).href);
    // Cross-origin isolated, every core: its default pool here would be one thread.
    if (self.crossOriginIsolated) wasm.setThreadsCount(navigator.hardwareConcurrency);
  }
  if (backend === 'webgpu') await import(WEBGPU);
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js: backend ${backend} did not initialise`);
  await tf.ready();

  // PyTorch's Linear initialisation: weights and biases uniform in ±1/sqrt(fan_in).
  let seeds = seed * 1000;
  const uniform = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', seeds++));
  const linear = (fanIn, fanOut) => ({ w: uniform([fanIn, fanOut], fanIn), b: uniform([fanOut], fanIn) });
  const g = [linear(LATENT, HIDDEN), linear(HIDDEN, PIXELS)];
  const d = [linear(PIXELS, HIDDEN), linear(HIDDEN, 1)];
  const gVars = g.flatMap(({ w, b }) => [w, b]);
  const dVars = d.flatMap(({ w, b }) => [w, b]);
  const optG = tf.train.adam(2e-4, 0.5, 0.999, 1e-8);
  const optD = tf.train.adam(2e-4, 0.5, 0.999, 1e-8);

  // Plain matMul and add: on the wasm backend faster here than tf.fused.matMul with its bias.
  const dense = (x, { w, b }) => tf.add(tf.matMul(x, w), b);
  const generate = (z) => tf.tanh(dense(tf.relu(dense(z, g[0])), g[1]));
  const discriminate = (x) => dense(tf.leakyRelu(dense(x, d[0]), 0.2), d[1]);
  // Mean binary cross-entropy with logits: softplus(−x) against 1, softplus(x) against 0.
  const bceOne = (logits) => tf.mean(tf.softplus(tf.neg(logits)));
  const bceZero = (logits) => tf.mean(tf.softplus(logits));

  let losses = null;
  let noiseSeed = seed * 7919;
  const step = (pixels) => tf.tidy(() => {
    const real = tf.tensor2d(pixels, [batch, PIXELS]);
    const z = tf.randomNormal([batch, LATENT], 0, 1, 'float32', noiseSeed++);
    // (1) D on real and detached fakes; minimize's varList keeps the update to D.
    const fake = generate(z);
    const dLoss = optD.minimize(() => tf.add(bceOne(discriminate(real)), bceZero(discriminate(fake))), true, dVars);
    // (2) G through the updated D; G's forward again, under the gradient tape.
    const gLoss = optG.minimize(() => bceOne(discriminate(generate(z))), true, gVars);
    return { dLoss, gLoss };
  });

  return {
    library: 'TensorFlow.js',
    backend: tf.getBackend(),
    version: tf.version.tfjs,
    // The wasm backend picks its binary by the browser: threaded SIMD where SharedArrayBuffer
    // (a cross-origin isolated page) allows, else SIMD; its thread pool's size once started.
    threads: wasm ? wasm.getThreadsCount() : null,
    // Which of the three binaries it loaded (as the backend's getPathToWasmBinary picks).
    binary: wasm ? await wasmBinary(tf) : null,
    async train(batches, n) {
      for (let i = 0; i < n; i++) {
        const next = step(batches[i]);
        if (losses) tf.dispose(losses);
        losses = next;
      }
      const [dLoss, gLoss] = await Promise.all([losses.dLoss.data(), losses.gLoss.data()]);
      return { dLoss: dLoss[0], gLoss: gLoss[0] };
    },
    dispose() {
      tf.dispose([losses, gVars, dVars]);
      optG.dispose();
      optD.dispose();
      losses = null;
    },
  };
}

async function wasmBinary(tf) {
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  return simd && threads ? 'threaded-simd' : simd ? 'simd' : 'plain';
}
