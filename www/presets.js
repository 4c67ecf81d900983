// Training presets. Each says what it changes and why, in the page's language (its name and
// note are in www/i18n/<lang>.js, under presets). `settings` are GanTrainer.create options;
// the page shows architecture, depth, loss, learning rate, batch size and β1 as fields and passes
// the rest through from the preset. The Default, DCGAN, DCGAN + WGAN-GP and the two
// Conditional presets are GanTrainer.create's defaults for their architecture and loss
// (GanConfig::recommended; tests/e2e/api.test.mjs holds the two together), and Without R1 is
// its `defaults: 'classic'`.
import { T } from './i18n.js';

/** Every preset: its id, its settings, and its name and note in the page's language. */
export const PRESETS = [
  {
    id: 'default',
    settings: { architecture: 'mlp', depth: 2, loss: 'bce', learningRate: 2e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5 },
  },
  {
    id: 'no-r1',
    settings: { architecture: 'mlp', depth: 1, loss: 'bce', learningRate: 2e-4, batchSize: 64, beta1: 0.5, r1Penalty: 0 },
  },
  {
    id: 'dcgan',
    settings: { architecture: 'dcgan', depth: 3, loss: 'bce', learningRate: 1e-3, batchSize: 64, beta1: 0, r1Penalty: 5, averageDecay: 0.995 },
  },
  {
    id: 'wgan-gp',
    settings: { architecture: 'dcgan', depth: 1, loss: 'wgan-gp', learningRate: 1e-4, batchSize: 64, beta1: 0.5, beta2: 0.9, criticSteps: 5 },
  },
  {
    id: 'steady',
    settings: { architecture: 'mlp', depth: 2, loss: 'bce', learningRate: 1e-3, batchSize: 128, beta1: 0.5, r1Penalty: 5 },
  },
  {
    id: 'fast',
    settings: { architecture: 'mlp', depth: 2, loss: 'bce', learningRate: 2e-3, batchSize: 32, beta1: 0.5, r1Penalty: 5 },
  },
  {
    id: 'conditional',
    settings: { architecture: 'mlp', depth: 2, loss: 'bce', learningRate: 2e-3, batchSize: 64, beta1: 0.5, r1Penalty: 5, conditional: true },
  },
  {
    id: 'conditional-dcgan',
    settings: { architecture: 'dcgan', depth: 2, loss: 'bce', learningRate: 1e-3, batchSize: 64, beta1: 0, r1Penalty: 5, averageDecay: 0.995, conditional: true },
  },
  {
    id: 'textbook',
    settings: { architecture: 'mlp', depth: 1, loss: 'bce', learningRate: 2e-4, batchSize: 64, beta1: 0.9, r1Penalty: 0 },
  },
].map((preset) => ({ ...preset, ...T.presets[preset.id] }));
