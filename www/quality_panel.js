// The quality panel: the classifier's verdict on a batch of samples (score, Fréchet distance,
// for a conditional model the share drawn as the digit asked for, and a 10-bar class
// histogram), with a plain-words warning when the histogram shows collapse.

/** Why the histogram looks collapsed, or null. One class above 35% or fewer than 8 present. */
export function collapseWarning(histogram) {
  const shares = Array.from(histogram);
  const top = Math.max(...shares);
  const present = shares.filter((share) => share >= 0.02).length;
  if (top > 0.35) {
    const digit = shares.indexOf(top);
    return `Mode collapse: ${Math.round(100 * top)}% of the samples look like a ${digit}. ` +
      'The generator has found one digit that fools the discriminator and stopped exploring.';
  }
  if (present < 8) {
    return `Mode collapse: only ${present} of the 10 digits appear in the samples. ` +
      'The generator is ignoring the others.';
  }
  return null;
}

/** Builds the panel's markup inside `container` and returns a function that shows a result. */
export function qualityPanel(container) {
  container.innerHTML = `
    <h2>Quality <span class="note">judged by a digit classifier</span></h2>
    <div class="quality-figures">
      <div><span class="label">Score</span> <output data-field="score">–</output>
        <span class="note">of 10; real digits <span data-field="ref-score">–</span></span></div>
      <div><span class="label">FD</span> <output data-field="fd">–</output>
        <span class="note">lower is better; real digits <span data-field="ref-fd">–</span></span></div>
      <div data-field="agreement-box" hidden><span class="label">As asked</span> <output data-field="agreement">–</output>
        <span class="note">read as the digit asked for</span></div>
    </div>
    <div class="histogram" role="img" aria-label="Histogram of predicted classes: not measured yet">
      ${Array.from({ length: 10 }, (_, digit) => `
        <div class="bar"><div class="fill"></div><span>${digit}</span></div>`).join('')}
    </div>
    <p class="warning" role="status" hidden></p>
    <p class="note" data-field="sampled"></p>`;
  const field = (name) => container.querySelector(`[data-field="${name}"]`);
  const chart = container.querySelector('.histogram');
  const warning = container.querySelector('.warning');
  return ({ histogram, score, fd, agreement, reference, samples, step }) => {
    field('score').textContent = score.toFixed(2);
    field('agreement-box').hidden = agreement === undefined;
    field('agreement').textContent = agreement === undefined ? '–' : `${(100 * agreement).toFixed(1)}%`;
    field('fd').textContent = fd.toFixed(1);
    field('ref-score').textContent = reference.score.toFixed(2);
    field('ref-fd').textContent = reference.fd.toFixed(1);
    const shares = Array.from(histogram);
    chart.querySelectorAll('.fill').forEach((fill, digit) => {
      fill.style.height = `${Math.min(100, (100 * shares[digit]) / 0.35)}%`;
      fill.parentElement.title = `${digit}: ${(100 * shares[digit]).toFixed(1)}%`;
    });
    chart.setAttribute('aria-label', 'Share of samples predicted as each digit: ' +
      shares.map((share, digit) => `${digit} ${Math.round(100 * share)}%`).join(', '));
    const text = collapseWarning(shares);
    warning.hidden = text === null;
    warning.textContent = text ?? '';
    field('sampled').textContent = `${samples.toLocaleString()} samples${step === undefined ? '' : ` at step ${step.toLocaleString()}`}; bars full at 35%.`;
  };
}
