// Training presets. Each says what it changes and why. `settings` are GanTrainer.create
// options; the page shows architecture, loss, learning rate, batch size and β1 as fields and
// passes the rest through from the preset. The Default, DCGAN, DCGAN + WGAN-GP and the two
// Conditional presets are GanTrainer.create's defaults for their architecture and loss
// (GanConfig::recommended; tests/e2e/api.test.mjs holds the two together), and Without R1 is
// its `defaults: 'classic'`.
export const PRESETS = [
  {
    id: 'default',
    name: 'Default (MLP)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 2e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5 },
    note: 'The classic MLP with an R1 penalty: D is also trained to stay flat around the real digits, so it cannot push G past them, and both networks can learn at 2e-3, ten times the textbook rate. Adam β1 0.5 instead of the textbook 0.9 keeps the two from overshooting each other. All ten digits, and sharper ones than without R1 after the same steps.',
  },
  {
    id: 'no-r1',
    name: 'Without R1 (MLP)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 2e-4, batchSize: 64, beta1: 0.5, r1Penalty: 0 },
    note: 'The default without its R1 penalty, at 2e-4, a rate it is stable at without one (GanTrainer.create({ defaults: \'classic\' })): β1 0.5 alone keeps most digits, but they stay blurred and speckled for thousands of steps, and a digit or two can stay rare.',
  },
  {
    id: 'dcgan',
    name: 'DCGAN',
    settings: { architecture: 'dcgan', loss: 'bce', learningRate: 1e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5 },
    note: 'Convolutions instead of dense layers: G paints 4×4 patches onto growing feature maps and D looks at local strokes, with batch norm in G keeping activations in range. D takes the R1 penalty instead of batch norm, so both learn at 1e-3. Clearer digits in fewer steps; each step costs more.',
  },
  {
    id: 'wgan-gp',
    name: 'DCGAN + WGAN-GP',
    settings: { architecture: 'dcgan', loss: 'wgan-gp', learningRate: 1e-4, batchSize: 64, beta1: 0.5, beta2: 0.9, criticSteps: 5 },
    note: 'The Wasserstein loss with a gradient penalty: D becomes a critic that scores how real a digit looks, and its gradients do not vanish when it wins. It trains 5 critic steps, on 5 batches, for each G step, so G learns on every fifth batch: expect it to need several times as many steps as the DCGAN. The scores are not probabilities.',
  },
  {
    id: 'steady',
    name: 'Steady (MLP)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 1e-3, batchSize: 128, beta1: 0.5, r1Penalty: 5 },
    note: 'The default at half the learning rate and twice the batch: slower per step, but smoother losses.',
  },
  {
    id: 'fast',
    name: 'Fast start (MLP)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 2e-3, batchSize: 32, beta1: 0.5, r1Penalty: 5 },
    note: 'The default on half-size batches: each step costs half as much, so digit shapes appear in fewer seconds, with noisier losses.',
  },
  {
    id: 'conditional',
    name: 'Conditional (MLP)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 2e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5, conditional: true },
    note: 'The default, told each digit\'s label: G reads the label beside z, and D scores a digit together with its label, so G is pushed to draw the digit asked for. The grid shows one column per digit 0–9, each row one z in every digit.',
  },
  {
    id: 'conditional-dcgan',
    name: 'Conditional DCGAN',
    settings: { architecture: 'dcgan', loss: 'bce', learningRate: 1e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5, conditional: true },
    note: 'The DCGAN preset with labels, as the conditional generator of generate mode was trained: clear digits of the asked-for class within a few thousand steps, at the DCGAN\'s cost per step.',
  },
  {
    id: 'textbook',
    name: 'Textbook (collapses)',
    settings: { architecture: 'mlp', loss: 'bce', learningRate: 2e-4, batchSize: 64, beta1: 0.9, r1Penalty: 0 },
    note: 'The textbook Adam β1 0.9. Its long momentum lets the generator chase the discriminator onto one or two digits: within a few thousand steps the quality panel reports mode collapse.',
  },
];
