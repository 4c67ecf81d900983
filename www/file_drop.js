// Files for the page from a picker or from a drop: the train view takes checkpoints this way,
// generate mode generators. Bytes are read here, so callers get a name and a Uint8Array.

/** A file's name and bytes. */
async function read(file) {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/**
 * Calls `onFile({ name, bytes })` for each file chosen with `input` (an <input type="file">),
 * which `button` opens; the input is cleared afterwards, so choosing the same file again counts.
 * `onError(error)` hears a file that could not be read.
 */
export function pickFiles(button, input, onFile, onError) {
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const [file] = input.files;
    input.value = '';
    if (file) read(file).then(onFile, onError);
  });
}

/**
 * Calls `onFile({ name, bytes })` for a file dropped on `target`, which carries the class
 * `dropping` while files are dragged over it; `onError(error)` hears a drop without a file or
 * one that could not be read.
 */
export function dropFiles(target, onFile, onError) {
  // A file input inside `target` (the Dataset panel's) takes its own drops, as browsers do.
  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files')
    && !(event.target instanceof HTMLInputElement && event.target.type === 'file');
  let depth = 0; // dragenter and dragleave fire for each child crossed
  target.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    depth += 1;
    target.classList.add('dropping');
  });
  target.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) target.classList.remove('dropping');
  });
  target.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  target.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    target.classList.remove('dropping');
    const [file] = event.dataTransfer.files;
    if (!file) onError(new Error('the drop held no file'));
    else read(file).then(onFile, onError);
  });
}
