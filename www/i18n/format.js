// What the language tables share: number formatting and fitting an error's message into a sentence.

/** `n` with the digit grouping of `locale`: 12,000 in English, 12,000 in Chinese. */
export const numberIn = (locale) => (n) => Number(n).toLocaleString(locale);

/** An error's message inside a sentence of ours: without its own closing full stop. */
export const clause = (message) => String(message).replace(/[.。]+$/, '');

/** The backend's name, the same in every language. */
export const backendName = (backend) => (backend === 'webgpu' ? 'WebGPU' : 'CPU');

/** A storage problem in words: its kind's entry of `reasons`, else its own message. */
export const reasonFrom = (reasons) => ({ kind, message }) => reasons[kind] ?? message;

/** "just now", "5 seconds ago", … in `locale`, for `ms` milliseconds ago; `now` is its word for under 5 s. */
export const agoIn = (locale, now) => {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return (ms) => {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 5) return now;
    if (seconds < 60) return relative.format(-seconds, 'second');
    if (seconds < 3600) return relative.format(-Math.round(seconds / 60), 'minute');
    if (seconds < 86400) return relative.format(-Math.round(seconds / 3600), 'hour');
    return relative.format(-Math.round(seconds / 86400), 'day');
  };
};
