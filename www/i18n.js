// The page's language: which string table (www/i18n/<code>.js) it speaks, the switch between
// them, and filling the static HTML's marked elements from that table. Every page, the
// tutorial and <webgan-demo> read their words from `T`; nothing else holds UI text.
//
// Marking static HTML (filled by `localize`):
//   data-i18n="page.start"                     the element's text
//   data-i18n-html="tutorial.whatText"         its inner HTML (our own tables' markup only)
//   data-i18n-attr="aria-label:page.gridAlt title:page.x"  attributes, space-separated
import en from './i18n/en.js';
import zh from './i18n/zh.js';

/** Every language: its table, its own name for the switch, and the `lang` its pages carry. */
export const LANGUAGES = {
  en: { table: en, name: 'English', tag: 'en' },
  zh: { table: zh, name: '中文', tag: 'zh-CN' },
};
/** How long the switch waits for `beforeLeave` before it reloads anyway. */
const LEAVE_PATIENCE_MS = 3000;
/** Where the reader's last choice is kept (localStorage). */
const STORAGE_KEY = 'webgan-lang';

/** The code of `value` ("zh-TW", "EN") that we have a table for, or null. */
const known = (value) => {
  const code = String(value ?? '').toLowerCase().split('-')[0];
  return Object.hasOwn(LANGUAGES, code) ? code : null;
};

/**
 * The language to speak: `?lang=` first, then the reader's last choice, then the first of the
 * browser's languages that we have, then English.
 */
export function pickLanguage({ search = '', stored = null, preferred = [] } = {}) {
  return known(new URLSearchParams(search).get('lang')) ?? known(stored) ?? preferred.map(known).find(Boolean) ?? 'en';
}

const storage = {
  read() { try { return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null; } catch { return null; } },
  write(code) { try { globalThis.localStorage?.setItem(STORAGE_KEY, code); } catch { /* private windows: the URL still says */ } },
};

/** This page's language code. */
export const LANG = pickLanguage({
  search: globalThis.location?.search ?? '',
  stored: storage.read(),
  preferred: globalThis.navigator?.languages ?? [],
});
// A language asked for in the URL is kept, so the links between pages stay in it.
if (known(new URLSearchParams(globalThis.location?.search ?? '').get('lang'))) storage.write(LANG);

/** This page's strings. */
export const T = LANGUAGES[LANG].table;

/** The string at dotted `key` of the table, or an Error naming the key (a test holds every key present). */
export function lookup(key, table = T) {
  const value = key.split('.').reduce((node, part) => node?.[part], table);
  if (typeof value !== 'string') throw new Error(`No string '${key}' in the ${LANG} table`);
  return value;
}

/** Fills every marked element under `root` from this page's table, and sets `<html lang>`. */
export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = lookup(el.getAttribute('data-i18n'));
  for (const el of root.querySelectorAll('[data-i18n-html]')) el.innerHTML = lookup(el.getAttribute('data-i18n-html'));
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.getAttribute('data-i18n-attr').trim().split(/\s+/)) {
      const [attribute, key] = pair.split(':');
      el.setAttribute(attribute, lookup(key));
    }
  }
  if (root === document) document.documentElement.lang = LANGUAGES[LANG].tag;
}

/**
 * The error message `message` in this page's language where the table knows it, else as it
 * is. The Rust API's errors stay English; the page shows them translated.
 */
export const translateError = (message) => T.errors(String(message));

/**
 * A language switch: one link per language, to this page with `?lang=`, the current one
 * marked. `beforeLeave` (optional) runs before the page reloads in the other language, so a
 * run can be kept first.
 */
export function languageSwitch(beforeLeave = async () => {}) {
  const nav = document.createElement('nav');
  nav.className = 'language-switch';
  nav.setAttribute('aria-label', T.common.language);
  for (const [code, { name, tag }] of Object.entries(LANGUAGES)) {
    const params = new URLSearchParams(location.search);
    params.set('lang', code);
    const link = document.createElement('a');
    link.href = `?${params}${location.hash}`;
    link.lang = tag;
    link.hreflang = tag;
    link.textContent = name;
    if (code === LANG) link.setAttribute('aria-current', 'true');
    link.addEventListener('click', async (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab or window: the link as it is
      event.preventDefault();
      storage.write(code);
      if (code === LANG) return;
      // A save that hangs (storage blocked) does not keep the reader on this page.
      const patience = new Promise((resolve) => { setTimeout(resolve, LEAVE_PATIENCE_MS); });
      try { await Promise.race([beforeLeave(), patience]); } finally { location.href = link.href; }
    });
    nav.append(link);
  }
  return nav;
}

/** The words of built-in dataset `id`, the digits' for an unknown id (a reader's own file is judged as digits). */
export const datasetStrings = (id) => T.datasets[id] ?? T.datasets.mnist;
