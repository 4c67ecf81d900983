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
  },
};
