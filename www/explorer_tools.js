// Pieces of the latent explorer that know nothing of its markup: the spherical path between
// latent vectors, a runner that keeps one request in flight and draws the latest value,
// canvas scaling for PNGs and videos, and whether WebM recording is there.

/**
 * Spherical interpolation between latent vectors `a` and `b` at `t` in [0, 1]: the path stays
 * at the radius where Gaussian noise lives (a straight line's middle is nearer the origin,
 * where G was rarely trained). Falls back to a straight line for (anti)parallel vectors.
 */
export function slerp(a, b, t) {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  const omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(aa * bb || 1))));
  const sin = Math.sin(omega);
  const [wa, wb] = sin < 1e-6 ? [1 - t, t] : [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin];
  return Float32Array.from(a, (value, i) => wa * value + wb * b[i]);
}

/**
 * `job` wrapped so that at most one run is in flight: calls made meanwhile ask for one more
 * run, which reads the inputs as they are then, so the latest value is always drawn and no
 * request queues behind another. The returned promise settles when that run is done.
 */
export function latestOnly(job) {
  let running = null;
  let again = false;
  const loop = async () => {
    try {
      do {
        again = false;
        await job();
      } while (again);
    } finally {
      running = null;
    }
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}

/** A copy of `canvas` `scale` times larger, without smoothing: crisp pixels for a PNG or a video. */
export function scaledCopy(canvas, scale) {
  const copy = document.createElement('canvas');
  copy.width = canvas.width * scale;
  copy.height = canvas.height * scale;
  const context = copy.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.drawImage(canvas, 0, 0, copy.width, copy.height);
  return copy;
}

/** Whether this browser can record a canvas as WebM; the MIME type to ask for, or null. */
export function webmType() {
  if (typeof MediaRecorder !== 'function' || typeof HTMLCanvasElement.prototype.captureStream !== 'function') return null;
  return ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}
