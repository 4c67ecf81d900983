// What the page calls each built-in dataset and its classes, in one table (a later issue adds a
// table per language). Keys are the dataset ids of protocol.js's DATASETS.

/** Per dataset: its name in the Dataset menu, its classes in label order, and the words for several of its images. */
export const DATASET_STRINGS = {
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
};

/** The strings of dataset `id`, the digits' for an unknown id (a reader's own file is judged as digits). */
export const datasetStrings = (id) => DATASET_STRINGS[id] ?? DATASET_STRINGS.mnist;

/** The quality panel's strings, for the dataset's words `d`. */
export const QUALITY_STRINGS = {
  title: 'Quality',
  judgedBy: (d) => `judged by a ${d.classifier}`,
  scoreNote: (d) => `of 10; real ${d.items}`,
  fdNote: (d) => `lower is better; real ${d.items}`,
  asked: 'As asked',
  askedNote: (d) => `read as the ${d.kind} asked for`,
  notMeasured: 'Histogram of predicted classes: not measured yet',
  histogram: (d, shares) => `Share of samples predicted as each ${d.kind}: ` +
    shares.map((share, c) => `${d.classes[c]} ${Math.round(100 * share)}%`).join(', '),
  oneClass: (d, percent, c) => `Mode collapse: ${percent}% of the samples look like ${d.lookLike(d.classes[c])}. ` +
    `The generator has found one ${d.kind} that fools the discriminator and stopped exploring.`,
  fewClasses: (d, present) => `Mode collapse: only ${present} of the 10 ${d.kinds} appear in the samples. ` +
    'The generator is ignoring the others.',
  sampled: (samples, step) => `${samples.toLocaleString()} samples${step === undefined ? '' : ` at step ${step.toLocaleString()}`}; bars full at 35%.`,
};
