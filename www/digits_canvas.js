// Draws 28×28 grey digits into a canvas as a square grid.
import { PIXELS, SIDE } from './protocol.js';

export function drawDigits(canvas, pixels, columns = 8) {
  const count = Math.floor(pixels.length / PIXELS);
  const rows = Math.ceil(count / columns);
  const image = new ImageData(columns * SIDE, rows * SIDE);
  for (let n = 0; n < count; n++) {
    const x0 = (n % columns) * SIDE;
    const y0 = Math.floor(n / columns) * SIDE;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const value = pixels[n * PIXELS + y * SIDE + x];
        const at = ((y0 + y) * columns * SIDE + x0 + x) * 4;
        image.data[at] = image.data[at + 1] = image.data[at + 2] = value;
        image.data[at + 3] = 255;
      }
    }
  }
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').putImageData(image, 0, 0);
}
