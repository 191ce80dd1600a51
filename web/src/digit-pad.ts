/**
 * The digit pad: a canvas to draw on with the mouse (or a pen or finger), white ink on black as in
 * MNIST. After each stroke the drawing is turned into a 28×28 image (mnist-image.ts) and handed to
 * `classify`; the preview shows that image as the model sees it.
 */
import { SIDE, mnistImage } from './mnist-image.js';

export function setUpDigitPad(pad: HTMLCanvasElement, preview: HTMLCanvasElement, classify: (image: Uint8Array) => void): { clear(): void } {
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  const clear = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
    preview.getContext('2d')!.clearRect(0, 0, preview.width, preview.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  pad.addEventListener('pointerdown', (e) => {
    last = at(e);
    pad.setPointerCapture?.(e.pointerId);
  });
  pad.addEventListener('pointermove', (e) => {
    if (last === null) return;
    const next = at(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = pad.width / 14;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...next);
    ctx.stroke();
    last = next;
  });
  const end = (): void => {
    if (last === null) return;
    last = null;
    const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
    const ink = new Uint8ClampedArray(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i];   // the red channel of white-on-black
    const image = mnistImage(ink, pad.width, pad.height);
    const small = new ImageData(SIDE, SIDE);
    image.forEach((v, i) => small.data.set([v, v, v, 255], 4 * i));
    const pctx = preview.getContext('2d')!;
    pctx.imageSmoothingEnabled = false;
    void createImageBitmap(small).then((bitmap) => pctx.drawImage(bitmap, 0, 0, preview.width, preview.height));
    classify(image);
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointerleave', end);
  return { clear };
}
