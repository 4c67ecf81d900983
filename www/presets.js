// Training presets. Each says what it changes and why.
export const PRESETS = [
  {
    id: 'default',
    name: 'Default',
    settings: { learningRate: 2e-4, batchSize: 64, beta1: 0.5 },
    note: 'Adam β1 0.5 instead of the textbook 0.9: a shorter momentum memory keeps the two networks from overshooting each other.',
  },
  {
    id: 'steady',
    name: 'Steady',
    settings: { learningRate: 1e-4, batchSize: 128, beta1: 0.5 },
    note: 'Half the learning rate and twice the batch: slower per step, but smoother losses.',
  },
  {
    id: 'fast',
    name: 'Fast start',
    settings: { learningRate: 4e-4, batchSize: 32, beta1: 0.5 },
    note: 'Twice the learning rate on smaller batches: digit shapes appear in fewer seconds, with noisier losses.',
  },
  {
    id: 'textbook',
    name: 'Textbook (collapses)',
    settings: { learningRate: 2e-4, batchSize: 64, beta1: 0.9 },
    note: 'The textbook Adam β1 0.9. Its long momentum lets the generator chase the discriminator onto one or two digits: within a few thousand steps the quality panel reports mode collapse.',
  },
];
