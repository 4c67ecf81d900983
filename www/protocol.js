// What the pages and worker.js say to each other, and the numbers and paths they share.
//
// Every message is a plain object with a `type` and a `session` id (session.js adds the id;
// the worker copies it onto each reply). Requests are handled one at a time, in the order
// sent. Any request that throws is answered with an `error` reply instead of its own; replies
// holding pixels transfer their buffer.

/** A digit is SIDE × SIDE grey bytes. */
export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
/** Length of the generator's input noise vector. */
export const LATENT = 100;
/** Digits in the fixed-noise grid, and in each set of fresh samples. */
export const GRID = 64;
/** While training, the fixed-noise grid is redrawn every GRID_EVERY steps. */
export const GRID_EVERY = 20;
/** The quality panel judges QUALITY_SAMPLES fresh samples every QUALITY_EVERY steps. */
export const QUALITY_EVERY = 500;
export const QUALITY_SAMPLES = 500;

/** Training steps per animation frame: 1 to MAX_STEPS_PER_FRAME, DEFAULT_STEPS_PER_FRAME unless set. */
export const MAX_STEPS_PER_FRAME = 200;
export const DEFAULT_STEPS_PER_FRAME = 5;
/** `n` floored and clamped to 1..MAX_STEPS_PER_FRAME; `fallback` where it is not a finite number. */
export function clampStepsPerFrame(n, fallback) {
  const steps = Math.floor(Number(n));
  return Number.isFinite(steps) ? Math.max(1, Math.min(MAX_STEPS_PER_FRAME, steps)) : fallback;
}

// Shipped files, relative to the folder that holds worker.js (www/).
/** The 10,000 MNIST digits, gzipped IDX, and their labels (0–9, in the same order). */
export const DATA_URL = 'data/mnist-10k-images-idx3-ubyte.gz';
export const LABELS_URL = 'data/mnist-10k-labels-idx1-ubyte.gz';
/** Classes a label names: the digits 0–9, or Fashion-MNIST's ten kinds of clothes. */
export const CLASSES = 10;
/** The 10,000 Fashion-MNIST test images (Zalando Research, MIT licence), shuffled, and their labels. */
export const FASHION_DATA_URL = 'data/fashion-10k-images-idx3-ubyte.gz';
export const FASHION_LABELS_URL = 'data/fashion-10k-labels-idx1-ubyte.gz';
/** A conditional trainer's fixed-noise grid: one column per digit, GRID_ROWS rows. */
export const CONDITIONAL_GRID_ROWS = 6;
/** The pretrained DCGAN generator that generate mode draws from by default. */
export const GENERATOR_URL = 'weights/generator.safetensors';
/** The pretrained conditional DCGAN: digits drawn by label. */
export const CONDITIONAL_GENERATOR_URL = 'weights/generator-conditional.safetensors';
/** The digit classifier behind the quality figures. */
export const CLASSIFIER_URL = 'weights/classifier.safetensors';
/**
 * The classic MLP's discriminator from the shipped MLP run (pretrain/mlp-ema.checkpoint, step
 * 30,000), in PyTorch's layout as `export_pytorch` writes it: "Can you fool D?"'s shipped D.
 */
export const DISCRIMINATOR_URL = 'weights/discriminator-mlp.safetensors';
/** The clothes classifier, which judges Fashion-MNIST samples. */
export const FASHION_CLASSIFIER_URL = 'weights/classifier-fashion.safetensors';
/** The pretrained conditional DCGAN of Fashion-MNIST: clothes drawn by class. */
export const FASHION_GENERATOR_URL = 'weights/generator-fashion.safetensors';

/**
 * The built-in datasets, by the id that `?data=`, `<webgan-demo data>` and the worker's
 * requests use: their images, labels and the classifier that judges samples of them. Any other
 * images (a reader's own URL or file) are judged by the digit classifier.
 */
export const DATASETS = {
  mnist: { images: DATA_URL, labels: LABELS_URL, classifier: CLASSIFIER_URL },
  fashion: { images: FASHION_DATA_URL, labels: FASHION_LABELS_URL, classifier: FASHION_CLASSIFIER_URL },
};

/** The id of the built-in dataset whose images are at `source` (a URL relative to `base`), or null. */
export function builtInDataset(source, base) {
  if (typeof source !== 'string') return null;
  try {
    const url = new URL(source, base).href;
    return Object.keys(DATASETS).find((id) => new URL(DATASETS[id].images, base).href === url) ?? null;
  } catch {
    return null;
  }
}

// Checkpoints kept in this browser's storage (checkpoint_store.js, autosave.js).
/** While training, a checkpoint is saved every AUTOSAVE_EVERY_MS of training, and when the page is hidden. */
export const AUTOSAVE_EVERY_MS = 30_000;
/** The storage key of the demo page's training run. */
export const PAGE_CHECKPOINT_KEY = 'page:train';
/** The storage key of the generator that "Use this generator in Generate mode" hands over. */
export const HANDOVER_KEY = 'handover:generator';
/** Generate mode's `?weights=` value that opens the handed-over generator instead of a URL. */
export const HANDOVER_WEIGHTS = 'handover';

// ---------------------------------------------------------------------------------------------
// Requests: page → worker.
//
// Sent by app.js (the demo page's one session), webgan-demo.js (a session per element) and
// tutorial.js (a session per widget), always through session.js.

/**
 * @typedef {object} TrainInitRequest
 * `type: 'train-init'`. A new trainer for the session (any previous one is freed), and the
 * dataset it trains on, which loads beside it: training can start with the first batch.
 * @property {object} options `GanTrainer.create` options; `backend` is 'auto' (default),
 *   'webgpu' or 'cpu', and `seed` (default 42) also seeds the session's batch order.
 *   With `conditional: true` the trainer learns digits by label, and needs `labels`.
 *   With `checkpoint`, only `backend` is read, and `learningRate` and
 *   `discriminatorLearningRate`, which a resumed run may change.
 * @property {Uint8Array} [checkpoint] a `checkpoint` reply's bytes: the trainer resumes
 *   exactly (its settings come from the file), and so do the session's batch order and its
 *   reader's place in the dataset, which then waits for the whole dataset to arrive
 *   ('waiting for data'). A bad file is an `error` reply, before anything changes.
 * @property {string | File} source an IDX images URL (gzipped or not) or a File. A URL is
 *   downloaded once per worker, whichever sessions train on it. The images of a DATASETS
 *   entry are judged by its classifier; any others by the digit classifier.
 * @property {string | File | null} [labels] the IDX labels file of `source`, one label per
 *   image in the same order; needed for a conditional trainer, ignored by others.
 * Replies: `ready`, then `grid`; `progress` while the dataset arrives, or `data-error`.
 */

/**
 * @typedef {object} LoadDataRequest
 * `type: 'load-data'`. Switches the session to another dataset; the trainer stays.
 * @property {string | File} source as in `train-init`
 * @property {string | File | null} [labels] as in `train-init`
 * Replies: `progress` (at once where the dataset is already loading or loaded), or `data-error`.
 */

/**
 * @typedef {object} ResetRequest
 * `type: 'reset'`. A new trainer on the session's current dataset. The old trainer is freed
 * once the new one exists: after an `error` reply it is still there, untouched.
 * @property {object} options as in `train-init`
 * @property {Uint8Array} [checkpoint] as in `train-init`: resume from a checkpoint file
 * Replies: `ready`, then `grid`.
 */

/**
 * @typedef {object} CheckpointRequest
 * `type: 'checkpoint'`. The session's trainer as one safetensors file holding its exact state
 * (both networks, Adam's moments, the weight average, the step, the random state, the
 * settings) and, in its annotation, the session's batch order and reader position beside
 * `page`.
 * @property {*} [page] any JSON value the page wants back on resuming (its chart history)
 * Replies: `checkpoint`.
 */

/**
 * @typedef {object} ExportGeneratorRequest
 * `type: 'export-generator'`. The generator of the session's trainer alone, for generate mode.
 * Replies: `generator-bytes`.
 */

/**
 * @typedef {object} TrainRequest
 * `type: 'train'`. Trains `steps` steps on batches of the session's dataset.
 * @property {number} steps 1 or more
 * @property {boolean} grid whether to redraw the fixed-noise grid afterwards
 * Replies: `trained` (then `grid` when asked for). Before the trainer or the first batch is
 * there, `trained` has `stats: null` and a `reason`.
 */

/**
 * @typedef {object} HalfStepRequest
 * `type: 'half-step'` (the tutorial). One discriminator update, or one generator update.
 * @property {'discriminator' | 'generator'} network
 * Replies: as `verdict`.
 */

/**
 * @typedef {object} VerdictRequest
 * `type: 'verdict'` (the tutorial). D's mean output on a batch of real digits and on the grid.
 * Replies: `verdict`, then `grid`; or `verdict` with `verdict: null` and a `reason`.
 */

/**
 * @typedef {object} RealRequest
 * `type: 'real'` (the tutorial). A few real digits from the session's dataset.
 * @property {number} n how many
 * Replies: `real`.
 */

/**
 * @typedef {object} DescribeRequest
 * `type: 'describe'` (the tutorial). The trainer's weight tensors.
 * Replies: `layers`.
 */

/**
 * @typedef {object} GeneratorInitRequest
 * `type: 'generator-init'`. Loads a pretrained generator for inference only: no dataset, no
 * trainer, and on the CPU no WebGPU build. The session's previous generator is freed once the
 * new one has loaded: after an `error` reply it is still there.
 * @property {string} [url] a safetensors file
 * @property {Uint8Array} [bytes] instead of `url`: the file's bytes (a local file, or a
 *   `generator-bytes` reply's)
 * @property {string} backend 'auto', 'webgpu' or 'cpu'
 * @property {string} [dataset] the DATASETS id of what it draws, whose classifier judges its
 *   samples: 'mnist' (default) or 'fashion'
 * Replies: `generator-ready`.
 */

/**
 * @typedef {object} SamplesRequest
 * `type: 'samples'`. Digits from the session's generator, or its trainer's (the explorer
 * works on a paused training run too). Either fresh ones, from `n` and `seed`, or the digits
 * of given latent vectors, from `noise`.
 * @property {number} [n] how many fresh digits
 * @property {number} [seed] seeds their noise
 * @property {Float32Array} [noise] instead of `n` and `seed`: n × latentDim values
 * @property {Uint8Array} [labels] a conditional model's digit for each sample, 0–9; without
 *   them a conditional model draws 0, 1, …, 9, 0, 1, … in turn
 * Replies: `samples`.
 */

/**
 * @typedef {object} DirectionsRequest
 * `type: 'directions'` (the latent explorer). The directions in latent space along which the
 * digit of `z` changes most: the leading right singular vectors of G's Jacobian at z.
 * @property {Float32Array} z latentDim values
 * @property {number} [label] a conditional model's digit
 * @property {number} count how many directions, 1 to latentDim
 * Replies: `directions`.
 */

/**
 * @typedef {object} QualityRequest
 * `type: 'quality'`. The digit classifier's verdict on `n` fresh samples of the session's
 * trainer or generator.
 * @property {number} n how many samples, 2 or more
 * Replies: `quality`.
 */

/**
 * @typedef {object} ClassifyRequest
 * `type: 'classify'`. What the classifier reads in the given digits: each one's class, and
 * how many of each of 0–9 (a grid's text alternative).
 * @property {Uint8Array} pixels n × PIXELS grey bytes
 * Replies: `classes`.
 */

/**
 * @typedef {object} DiscriminateRequest
 * `type: 'discriminate'` ("Can you fool D?", fool_d.js). D's verdict on given digits, or on one
 * it picks, and what the digit classifier reads in them.
 * @property {'session' | 'shipped'} d whose D: the session's trainer's, or the shipped
 *   pretrained MLP discriminator (DISCRIMINATOR_URL, loaded once per worker, on the CPU)
 * @property {Uint8Array} [images] n × PIXELS grey bytes, n ≥ 1
 * @property {'real' | 'generated'} [pick] instead of `images`: one digit from the session's
 *   dataset, or one drawn by the session's generator (its trainer's G) from fresh noise
 * @property {number} [seed] which one `pick` takes (default 0)
 * A conditional D is given, as each digit's label, the class the classifier reads in it.
 * Replies: `discrimination`; with `d: 'session'` and no trainer yet, or `pick: 'real'` before
 * the data has arrived, `discrimination` with `scores: null` and a `reason`.
 */

/**
 * @typedef {object} CloseRequest
 * `type: 'close'`. Frees the session's models; nothing more is sent to it. No reply.
 */

/**
 * @typedef {object} TestFaultRequest
 * `type: 'test-fault'`, for the end-to-end tests only (the page sends it through
 * `window.webgan.fault`). `fault: 'diverge'` makes the session's next training step diverge;
 * `fault: 'throw'` makes the worker throw outside any request, as a crashed worker does;
 * `fault: 'trap'` fails the request with a WebAssembly.RuntimeError, as a wasm trap does;
 * `fault: 'lose-gpu'` destroys the worker's GPU devices, as a driver reset does.
 * Replies: none, or `error`.
 */

// ---------------------------------------------------------------------------------------------
// Replies: worker → page, each carrying the `session` of the request it answers.

/**
 * @typedef {object} ReadyReply
 * `type: 'ready'`, to `train-init` and `reset`: the trainer exists.
 * @property {'webgpu' | 'cpu'} backend the backend it trains on
 * @property {string | null} adapter the WebGPU adapter's name
 * @property {number} ms how long creating it took
 * @property {number} latentDim length of its noise vectors
 * @property {boolean} conditional whether it draws digits by label
 * @property {'mlp' | 'dcgan'} architecture its networks
 * @property {number} step steps it has trained: 0, or a checkpoint's step
 * @property {object | null} resumed for a checkpoint: `GanTrainer.checkpoint_info`'s `version`,
 *   `step`, `architecture`, `loss`, `conditional`, `batchSize`, `seed` and `options`, with
 *   `order` (whether the batch order was restored too) and `page` (the `page` value given to
 *   `checkpoint`, or null)
 */

/**
 * @typedef {object} ProgressReply
 * `type: 'progress'`: how much of the session's dataset has arrived.
 * @property {number} bytes bytes downloaded so far (before decompression)
 * @property {number | undefined} size the download's size, where the server says
 * @property {number} count images parsed so far
 * @property {number} total images the file's header promises
 */

/**
 * @typedef {object} DataErrorReply
 * `type: 'data-error'`: the dataset could not be loaded.
 * @property {string} message what was wrong, worded for the page
 */

/**
 * @typedef {object} GridReply
 * `type: 'grid'`: the trainer's digits from fixed noise, which never changes: GRID of them,
 * or for a conditional trainer CONDITIONAL_GRID_ROWS rows of the digits 0–9.
 * @property {Uint8Array} pixels n × PIXELS grey bytes (transferred)
 * @property {number} columns digits per row: 8, or CLASSES for a conditional trainer
 */

/**
 * @typedef {object} TrainedReply
 * `type: 'trained'`, to `train`.
 * @property {object | null} stats the last step's StepStats (`step`, `d_loss`, `g_loss`,
 *   `d_real`, `d_fake`), or null when nothing could train yet
 * @property {string} [reason] with `stats: null`: 'no trainer yet' or 'waiting for data'
 * @property {number} steps steps trained
 * @property {number} ms how long they took
 * @property {number} epoch completed passes over the dataset
 * @property {boolean} complete whether the whole dataset has arrived
 */

/**
 * @typedef {object} VerdictReply
 * `type: 'verdict'`, to `verdict` and `half-step`.
 * @property {{ real: number, fake: number, scores: number[] } | null} verdict mean D(x) on
 *   GRID real digits, mean D(G(z)) on the grid and each of its digits' D(G(z))
 * @property {string} [reason] with `verdict: null`, as in `trained`
 */

/**
 * @typedef {object} RealReply
 * `type: 'real'`, to `real`.
 * @property {Uint8Array | null} pixels n × PIXELS grey bytes (transferred), or null
 * @property {string} [reason] with `pixels: null`: 'waiting for data'
 */

/**
 * @typedef {object} LayersReply
 * `type: 'layers'`, to `describe`: G's weight tensors, then D's, each network's by name.
 * @property {{ name: string, shape: number[], count: number }[] | null} layers
 * @property {string} [reason] with `layers: null`: 'no trainer yet'
 */

/**
 * @typedef {object} CheckpointReply
 * `type: 'checkpoint'`, to `checkpoint`.
 * @property {Uint8Array} bytes the safetensors file (transferred), for `train-init` or `reset`
 * @property {number} step the step it was saved at
 * @property {'mlp' | 'dcgan'} architecture
 * @property {number} savedAt when, in ms since 1970 (Date.now())
 */

/**
 * @typedef {object} GeneratorBytesReply
 * `type: 'generator-bytes'`, to `export-generator`.
 * @property {Uint8Array} bytes the generator's safetensors file (transferred), for `generator-init`
 * @property {number} step the trainer's step
 * @property {'mlp' | 'dcgan'} architecture
 * @property {number} latentDim
 * @property {boolean} conditional
 */

/**
 * @typedef {object} GeneratorReadyReply
 * `type: 'generator-ready'`, to `generator-init`; fields as in `ready`, `latentDim` and
 * `conditional` included.
 */

/**
 * @typedef {object} SamplesReply
 * `type: 'samples'`, to `samples`.
 * @property {Uint8Array} pixels n × PIXELS grey bytes (transferred)
 * @property {Float32Array} noise the n × latentDim values they were drawn from
 * @property {Uint8Array | null} labels each sample's digit, for a conditional model
 */

/**
 * @typedef {object} DirectionsReply
 * `type: 'directions'`, to `directions`.
 * @property {Float32Array} directions count × latentDim values: unit vectors, the most
 *   telling first
 * @property {Float32Array} strengths how much the digit changes along each, per unit of z
 */

/**
 * @typedef {object} QualityReply
 * `type: 'quality'`, to `quality`.
 * @property {{ histogram: Float64Array, score: number, fd: number, agreement?: number,
 *   reference: { score: number, fd: number }, samples: number, ms: number, dataset: string } | null} result
 *   the share of each predicted class, the classifier score and Fréchet distance, for a
 *   conditional model (whose samples are drawn as classes 0–9 in turn) the share read as the
 *   class asked for, the held-out real images' figures, and the id of the DATASETS entry whose
 *   classifier judged them (the session's built-in dataset, or 'mnist' for the reader's own
 *   images); null when the session has no model
 */

/**
 * @typedef {object} ClassesReply
 * `type: 'classes'`, to `classify`.
 * @property {number[]} counts how many images the session's classifier reads as each class 0–9
 * @property {Uint8Array} digits the class read in each image, in order
 * @property {string} dataset the DATASETS id of the classifier that read them
 */

/**
 * @typedef {object} DiscriminationReply
 * `type: 'discrimination'`, to `discriminate`.
 * @property {'session' | 'shipped'} d whose D judged
 * @property {Uint8Array | null} images the n × PIXELS digits judged (transferred): the ones
 *   sent, or the one picked; null with a `reason`
 * @property {number[] | null} scores D's output for each: the probability of "real" with BCE,
 *   the critic's score with WGAN-GP
 * @property {'bce' | 'wgan-gp'} loss what the scores are
 * @property {{ digit: number, agree: number, of: number }[] | null} readings for each image, the
 *   digit classifier's class, and in how many of NUDGES.length copies moved by ±2 pixels
 *   (mnist_preprocess.js) it reads that class: how sure it is
 * @property {string} [dataset] the DATASETS id whose classifier made the readings: the
 *   session's dataset (the digits for a reader's own), or 'mnist' for the shipped D
 * @property {string} [reason] with `scores: null`: 'no trainer yet' or 'waiting for data'
 */

/**
 * @typedef {object} ErrorReply
 * `type: 'error'`: a request failed; the session stays usable, unless `fatal`.
 * @property {string} about the failed request's type
 * @property {string} message why
 * @property {string | null} name the Error's name: 'TrainingDiverged' when a `train` request's
 *   steps diverged (its losses are no longer finite), and every later `train` then fails so
 * @property {number | null} step with 'TrainingDiverged', the step by which it diverged
 * @property {boolean} fatal whether the wasm module trapped (a panic, memory exhausted): the
 *   worker's models are gone, and the page restarts the worker
 */

/**
 * @typedef {object} GpuLostReply
 * `type: 'gpu-lost'`, unasked: the GPU device the session's trainer or generator ran on was
 * lost (a driver reset, the browser reclaiming it, `destroy()`). The model is gone; requests
 * that were waiting on the GPU get no reply. A `reset` with a checkpoint and `backend: 'cpu'`
 * goes on from there.
 * @property {string} message the browser's reason
 */

// In-memory recovery points of the demo page (recovery.js).
/**
 * While training, the page keeps a checkpoint every RECOVERY_EVERY steps, for "Roll back", and
 * on a backend too slow for that, every RECOVERY_EVERY_MS.
 */
export const RECOVERY_EVERY = 500;
export const RECOVERY_EVERY_MS = 30_000;
/** A rollback after divergence resumes at the learning rates divided by this. */
export const ROLLBACK_LR_DIVISOR = 4;
