// Every English string of the page, the tutorial and <webgan-demo>, by section. zh.js has the
// same keys (tests/e2e/i18n.test.mjs holds them together). Functions build sentences with numbers.

export default {
  common: {
    language: 'Language',
  },

  /** The page's words for an error message it knows; any other is shown as it is. */
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
    reads: (digit, agree, of) => `The digit classifier reads: ${digit} (the same in ${agree} of ${of} copies nudged by 2 pixels).`,
    noTrainer: 'The D you are training is not ready yet; try again in a moment.',
    noData: 'The real digits are still downloading; try again in a moment.',
    error: (message) => `Error: ${message}`,
    note: 'The shipped D is the discriminator of the classic MLP trained for 30,000 steps, the run '
      + 'whose generator the tutorial shows. At the end of a good run D cannot tell G\'s digits from '
      + 'real ones, so it says about 0.5 to both; it still has opinions about scribbles. A D that '
      + 'learns digits by label is told the digit the classifier reads. The classifier\'s certainty '
      + 'is how many of nine copies, moved by up to 2 pixels, it reads as the same digit.',
  },
};
