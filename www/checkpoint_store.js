// Checkpoints kept in this browser's IndexedDB, one record per storage key: the demo page's
// run, each persisting <webgan-demo>'s, and the generator handed over to generate mode.
// docs/checkpoints.md says why IndexedDB. Nothing here throws into the page: every call
// resolves to `{ ok: true, … }` or to `{ ok: false, problem }`, where `problem.kind` is
// 'quota' (the origin's storage is full), 'unavailable' (no IndexedDB here: a private window,
// a sandboxed frame, a browser setting), 'blocked' (another tab holds an older version open)
// or 'failed' (anything else), and `problem.message` says more.

const DB_NAME = 'webgan';
const DB_VERSION = 1;
const STORE = 'checkpoints';
/** How long opening the database may take before storage counts as unavailable. */
const OPEN_TIMEOUT_MS = 5000;

/**
 * @typedef {object} StoredCheckpoint
 * @property {string} key its storage key
 * @property {Uint8Array} bytes a safetensors file (a checkpoint, or a generator for a hand-over)
 * @property {number} step the step it was saved at
 * @property {number} savedAt when, in ms since 1970
 * Any other fields (architecture, the dataset's URL, …) are kept as given.
 */

/** A storage problem, from the error IndexedDB gave. */
function problemOf(error, fallback = 'failed') {
  const name = error?.name ?? '';
  const kind = name === 'QuotaExceededError' ? 'quota'
    : name === 'SecurityError' || name === 'InvalidStateError' ? 'unavailable' : fallback;
  return { kind, message: error?.message || name || String(error) };
}

const failed = (problem) => ({ ok: false, problem });

export class CheckpointStore {
  /** The open database's promise, shared by every call until the connection closes. */
  #db = null;

  /** Keeps `record` (a StoredCheckpoint) under `record.key`, replacing any earlier one. */
  async save(record) {
    if (typeof record?.key !== 'string' || !(record.bytes instanceof Uint8Array)) {
      return failed({ kind: 'failed', message: 'a checkpoint record needs a string key and Uint8Array bytes' });
    }
    return this.#transaction('readwrite', (store) => store.put(record), () => ({ ok: true }));
  }

  /** The record under `key`: `{ ok: true, record }`, with `record` null when there is none. */
  async load(key) {
    return this.#transaction('readonly', (store) => store.get(key), (request) => ({ ok: true, record: request.result ?? null }));
  }

  /** Forgets the record under `key`. */
  async remove(key) {
    return this.#transaction('readwrite', (store) => store.delete(key), () => ({ ok: true }));
  }

  /** Runs one request in a transaction; resolves when the transaction has committed, or failed. */
  async #transaction(mode, makeRequest, onDone) {
    const opened = await this.#open();
    if (!opened.ok) return opened;
    return new Promise((resolve) => {
      let request;
      let transaction;
      try {
        transaction = opened.db.transaction(STORE, mode);
        request = makeRequest(transaction.objectStore(STORE));
      } catch (error) {
        // A closed connection, or a record that cannot be stored (DataCloneError).
        this.#db = null;
        resolve(failed(problemOf(error)));
        return;
      }
      transaction.oncomplete = () => resolve(onDone(request));
      // A full quota aborts the transaction (QuotaExceededError); so can a failed request.
      transaction.onabort = () => resolve(failed(problemOf(transaction.error ?? request.error)));
      transaction.onerror = (event) => event.preventDefault(); // reported by onabort
    });
  }

  /** `{ ok: true, db }`, opening the database on first use. */
  #open() {
    this.#db ??= openDatabase().then((opened) => {
      if (!opened.ok) {
        this.#db = null; // try again next time: the problem may pass
        return opened;
      }
      const forget = () => { this.#db = null; };
      opened.db.onclose = forget;
      opened.db.onversionchange = () => { opened.db.close(); forget(); };
      return opened;
    });
    return this.#db;
  }
}

/** Opens (creating on first use) the database; never rejects. */
function openDatabase() {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined' || indexedDB === null) {
      resolve(failed({ kind: 'unavailable', message: 'this browser offers no IndexedDB here' }));
      return;
    }
    let settled = false;
    const settle = (result) => {
      if (settled) {
        if (result.ok) result.db.close(); // it opened after all, too late
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => settle(failed({ kind: 'unavailable', message: `IndexedDB did not open within ${OPEN_TIMEOUT_MS / 1000} s` })), OPEN_TIMEOUT_MS);
    let request;
    try {
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (error) {
      settle(failed(problemOf(error, 'unavailable')));
      return;
    }
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    request.onsuccess = () => settle({ ok: true, db: request.result });
    request.onerror = (event) => {
      event.preventDefault();
      settle(failed(problemOf(request.error, 'unavailable')));
    };
    request.onblocked = () => settle(failed({ kind: 'blocked', message: 'another tab of this site holds the storage open' }));
  });
}
