// Draws the toolbar icons (a card with an IC chip) into icons/icon-{16,32,48,128}.png.
// Run `npm run icons` after changing the design; the PNGs are committed.
// A tiny rasteriser and PNG encoder (RGBA, zlib from node), so no image tool is needed.

import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZES = [16, 32, 48, 128];
const SUPERSAMPLE = 8;

/**
 * @typedef {{x0: number, y0: number, x1: number, y1: number, r: number, color: [number, number, number, number]}} Shape
 *   a rounded rectangle in unit coordinates (0..1) with RGBA colour (alpha 0..1)
 */

/** @type {Shape[]} */
const SHAPES = [
  // the card
  { x0: 0.04, y0: 0.18, x1: 0.96, y1: 0.82, r: 0.1, color: [31, 95, 168, 1] },
  // a lighter band along the top, as on the card's face
  { x0: 0.04, y0: 0.18, x1: 0.96, y1: 0.3, r: 0.0, color: [255, 255, 255, 0.18] },
  // the IC chip
  { x0: 0.14, y0: 0.38, x1: 0.4, y1: 0.66, r: 0.05, color: [236, 196, 96, 1] },
  // the chip's contact split
  { x0: 0.14, y0: 0.505, x1: 0.4, y1: 0.535, r: 0, color: [176, 132, 40, 1] },
  { x0: 0.255, y0: 0.38, x1: 0.285, y1: 0.66, r: 0, color: [176, 132, 40, 1] },
  // two lines of text
  { x0: 0.5, y0: 0.42, x1: 0.86, y1: 0.48, r: 0.03, color: [255, 255, 255, 0.9] },
  { x0: 0.5, y0: 0.56, x1: 0.76, y1: 0.62, r: 0.03, color: [255, 255, 255, 0.9] },
];

/**
 * @param {Shape} s
 * @param {number} x
 * @param {number} y
 */
function inside(s, x, y) {
  if (x < s.x0 || x > s.x1 || y < s.y0 || y > s.y1) return false;
  const cx = Math.min(Math.max(x, s.x0 + s.r), s.x1 - s.r);
  const cy = Math.min(Math.max(y, s.y0 + s.r), s.y1 - s.r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= s.r ** 2;
}

/** @param {number} size */
function draw(size) {
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied accumulation over the subsamples, shapes composited "over" in order.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const s of SHAPES) {
            if (!inside(s, x, y)) continue;
            const alpha = s.color[3];
            cr = s.color[0] * alpha + cr * (1 - alpha);
            cg = s.color[1] * alpha + cg * (1 - alpha);
            cb = s.color[2] * alpha + cb * (1 - alpha);
            ca = alpha + ca * (1 - alpha);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const offset = (py * size + px) * 4;
      const alpha = a / n;
      pixels[offset] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      pixels[offset + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      pixels[offset + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      pixels[offset + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Uint8Array} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * @param {string} type
 * @param {Uint8Array} data
 */
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * @param {number} size
 * @param {Uint8Array} pixels RGBA rows
 */
function encodePng(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(pixels.subarray(y * size * 4, (y + 1) * size * 4)).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

for (const size of SIZES) {
  const file = new URL(`../icons/icon-${size}.png`, import.meta.url);
  writeFileSync(file, encodePng(size, draw(size)));
  console.log(`wrote icons/icon-${size}.png`);
}
