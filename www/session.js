// The one client of worker.js. Every page, <webgan-demo> element and tutorial widget opens a
// session on the same module worker, so a page runs one wasm module however many widgets it
// has; replies come back to the session that asked (protocol.js lists the messages).

let worker = null;
const sessions = new Map();
const errorListeners = new Set();
let nextId = 0;

/** The shared worker, started on first use next to this file, wherever the page is. */
function shared() {
  if (!worker) {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', ({ data }) => sessions.get(data.session)?.(data));
    worker.addEventListener('error', (event) => {
      if (errorListeners.size) event.preventDefault(); // handled: the page says what happened
      for (const listener of errorListeners) listener(event);
    });
  }
  return worker;
}

/**
 * A session of its own on the shared worker: `send(message, transfer?)` posts a request,
 * `onMessage` receives each reply, and `close()` frees the session's models in the worker.
 */
export function openSession(onMessage) {
  const id = `session-${nextId++}`;
  sessions.set(id, onMessage);
  shared();
  return {
    id,
    // The worker of the moment: after restartWorker(), a fresh one.
    send: (message, transfer = []) => shared().postMessage({ ...message, session: id }, transfer),
    close: () => {
      worker?.postMessage({ type: 'close', session: id });
      sessions.delete(id);
    },
  };
}

/**
 * Ends the worker (after a crash or a trap its models are gone or unusable); the next request
 * of any session starts a fresh one, in which that session has no models until it sends its
 * `train-init` or `generator-init` again.
 */
export function restartWorker() {
  worker?.terminate();
  worker = null;
}

/** Calls `listener` with the worker's `error` event: its script failed to load or threw. */
export function onWorkerError(listener) {
  errorListeners.add(listener);
}
