// embed.html's one <webgan-demo>, built from the page's URL parameters, and a language switch (a file of its own, not
// an inline script, so that a strict Content-Security-Policy allows it).
import { languageSwitch, localize } from './i18n.js';
import './webgan-demo.js';

const ATTRIBUTES = ['mode', 'weights', 'architecture', 'preset', 'steps-per-frame', 'backend', 'data', 'seed', 'conditional', 'digit', 'text'];

const params = new URLSearchParams(location.search);
// Built here rather than in the markup: the element reads its attributes when it connects.
const demo = document.createElement('webgan-demo');
for (const name of ATTRIBUTES) {
  if (params.has(name)) demo.setAttribute(name, params.get(name));
}
if (params.get('autoplay') === '1') demo.setAttribute('autoplay', '');
document.querySelector('main').append(demo);
// ?lang=zh (or the reader's browser) picks the element's language; the switch reloads in the other.
localize();
document.body.append(languageSwitch());
