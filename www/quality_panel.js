// The quality panel: the classifier's verdict on a batch of samples (score, Fréchet distance,
// for a conditional model the share drawn as the class asked for, and a 10-bar class
// histogram), with a plain-words warning when the histogram shows collapse. It speaks of the
// dataset the result names: digits, or clothes.
import { T as ALL, datasetStrings } from './i18n.js';

const T = ALL.quality;

/** Why the histogram looks collapsed, or null. One class above 35% or fewer than 8 present. */
export function collapseWarning(histogram, dataset = 'mnist') {
  const d = datasetStrings(dataset);
  const shares = Array.from(histogram);
  const top = Math.max(...shares);
  const present = shares.filter((share) => share >= 0.02).length;
  if (top > 0.35) return T.oneClass(d, Math.round(100 * top), shares.indexOf(top));
  if (present < 8) return T.fewClasses(d, present);
  return null;
}

/** Builds the panel's markup inside `container` and returns a function that shows a result. */
export function qualityPanel(container) {
  const d = datasetStrings('mnist');
  container.innerHTML = `
    <h2>${T.title} <span class="note" data-field="judged-by">${T.judgedBy(d)}</span></h2>
    <div class="quality-figures">
      <div><span class="label">${T.score}</span> <output data-field="score">–</output>
        <span class="note"><span data-field="score-note">${T.scoreNote(d)}</span> <span data-field="ref-score">–</span></span></div>
      <div><span class="label">${T.fd}</span> <output data-field="fd">–</output>
        <span class="note"><span data-field="fd-note">${T.fdNote(d)}</span> <span data-field="ref-fd">–</span></span></div>
      <div data-field="agreement-box" hidden><span class="label">${T.asked}</span> <output data-field="agreement">–</output>
        <span class="note" data-field="asked-note">${T.askedNote(d)}</span></div>
    </div>
    <div class="histogram" role="img" aria-label="${T.notMeasured}">
      ${d.classes.map((name) => `
        <div class="bar"><div class="fill"></div><span>${name}</span></div>`).join('')}
    </div>
    <p class="warning" role="status" hidden></p>
    <p class="note" data-field="sampled"></p>`;
  const field = (name) => container.querySelector(`[data-field="${name}"]`);
  const chart = container.querySelector('.histogram');
  const warning = container.querySelector('.warning');
  return ({ histogram, score, fd, agreement, reference, samples, step, dataset }) => {
    const words = datasetStrings(dataset);
    chart.classList.toggle('named', words.classes.some((name) => name.length > 1));
    field('judged-by').textContent = T.judgedBy(words);
    field('score-note').textContent = T.scoreNote(words);
    field('fd-note').textContent = T.fdNote(words);
    field('asked-note').textContent = T.askedNote(words);
    field('score').textContent = score.toFixed(2);
    field('agreement-box').hidden = agreement === undefined;
    field('agreement').textContent = agreement === undefined ? '–' : `${(100 * agreement).toFixed(1)}%`;
    field('fd').textContent = fd.toFixed(1);
    field('ref-score').textContent = reference.score.toFixed(2);
    field('ref-fd').textContent = reference.fd.toFixed(1);
    const shares = Array.from(histogram);
    chart.querySelectorAll('.bar').forEach((bar, c) => {
      bar.querySelector('.fill').style.height = `${Math.min(100, (100 * shares[c]) / 0.35)}%`;
      bar.querySelector('span').textContent = words.classes[c];
      bar.title = `${words.classes[c]}: ${(100 * shares[c]).toFixed(1)}%`;
    });
    chart.setAttribute('aria-label', T.histogram(words, shares));
    const text = collapseWarning(shares, dataset);
    warning.hidden = text === null;
    warning.textContent = text ?? '';
    field('sampled').textContent = T.sampled(samples, step);
  };
}
