// Test-only edits of a safetensors file (a checkpoint, weights), for the faults the tests
// provoke: worker.js's `test-fault` and the API tests in tests/e2e. Loaded only when asked for.

/**
 * Rewrites tensor `name` of `bytes` in place, each value v at index i becoming `edit(v, i)`;
 * returns `bytes`.
 */
export function editTensor(bytes, name, edit) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const [start, end] = header[name].data_offsets;
  for (let i = 0; i < (end - start) / 4; i++) {
    const at = 8 + headerLength + start + 4 * i;
    view.setFloat32(at, edit(view.getFloat32(at, true), i), true);
  }
  return bytes;
}

/** D's first layer at 3e38: the next step's logits overflow, and its losses are NaN. */
export const overflowing = (bytes) => editTensor(bytes, 'discriminator.hidden.weight', () => 3e38);
