// The collapse rule of the quality panel, on histograms of known shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseWarning } from '../../www/quality_panel.js';

test('a balanced histogram raises no warning', () => {
  assert.equal(collapseWarning(new Array(10).fill(0.1)), null);
  // The shipped MLP generator's histogram: uneven but every digit present.
  assert.equal(collapseWarning([0.045, 0.033, 0.087, 0.165, 0.137, 0.079, 0.061, 0.135, 0.097, 0.161]), null);
});

test('one digit above 35% is collapse, named in plain words', () => {
  const text = collapseWarning([0.05, 0.4, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.05, 0.05]);
  assert.match(text, /^Mode collapse: 40% of the samples look like a 1\./);
});

test('fewer than 8 digits present is collapse', () => {
  const text = collapseWarning([0.3, 0.3, 0.2, 0.1, 0.1, 0, 0, 0, 0, 0]);
  assert.match(text, /only 5 of the 10 digits appear/);
});

test('for Fashion-MNIST the warning names the class of clothes, and counts classes', () => {
  const text = collapseWarning([0.05, 0.05, 0.05, 0.05, 0.05, 0.4, 0.1, 0.1, 0.1, 0.05], 'fashion');
  assert.match(text, /^Mode collapse: 40% of the samples look like a sandal\./);
  assert.match(collapseWarning([0.3, 0.3, 0.2, 0.1, 0.1, 0, 0, 0, 0, 0], 'fashion'), /only 5 of the 10 classes appear/);
  assert.equal(collapseWarning(new Array(10).fill(0.1), 'fashion'), null);
});
