/**
 * Draws the tray icons (assets/tray): one per state, for light and dark menu bars, at 1x (16 px) and 2x
 * (32 px). Each state differs in shape as well as colour, so the icon reads without colour vision.
 *
 *   npx tsx scripts/make-tray-icons.ts
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Rgb = [number, number, number];
type Shape = (x: number, y: number) => number; // signed distance in units of the icon's half-size; < 0 inside

const circle = (r: number): Shape => (x, y) => Math.hypot(x, y) - r;
const ring = (r: number, w: number): Shape => (x, y) => Math.abs(Math.hypot(x, y) - r) - w;
const union = (...s: Shape[]): Shape => (x, y) => Math.min(...s.map((f) => f(x, y)));
const minus = (a: Shape, b: Shape): Shape => (x, y) => Math.max(a(x, y), -b(x, y));
const box = (hw: number, hh: number): Shape => (x, y) => Math.max(Math.abs(x) - hw, Math.abs(y) - hh);
const rotate = (s: Shape, rad: number): Shape => (x, y) => s(x * Math.cos(rad) + y * Math.sin(rad), -x * Math.sin(rad) + y * Math.cos(rad));
const halfPlane = (s: Shape): Shape => (x, y) => Math.max(s(x, y), x); // keep the left half
const triangle: Shape = (x, y) => {
  // Upward triangle, built from three half-planes.
  const k = Math.sqrt(3);
  return Math.max(-y - 0.75, (k * x + y) / 2 - 0.45, (-k * x + y) / 2 - 0.45);
};
const cross = union(rotate(box(0.62, 0.16), Math.PI / 4), rotate(box(0.62, 0.16), -Math.PI / 4));

const ICONS: Record<string, { shape: Shape; light: Rgb; dark: Rgb }> = {
  healthy: { shape: circle(0.8), light: [22, 128, 61], dark: [74, 222, 128] },
  starting: { shape: union(ring(0.68, 0.14), halfPlane(circle(0.7))), light: [29, 78, 216], dark: [96, 165, 250] },
  degraded: { shape: triangle, light: [180, 83, 9], dark: [251, 191, 36] },
  lost: { shape: ring(0.66, 0.17), light: [194, 65, 12], dark: [251, 146, 60] },
  error: { shape: minus(circle(0.85), cross), light: [185, 28, 28], dark: [248, 113, 113] },
  stopped: { shape: minus(box(0.72, 0.72), box(0.44, 0.44)), light: [82, 82, 91], dark: [212, 212, 216] },
};

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, shape: Shape, [r, g, b]: Rgb): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const ss = 4; // supersampling for anti-aliased edges
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0;
    for (let px = 0; px < size; px++) {
      let cover = 0;
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const x = ((px + (sx + 0.5) / ss) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / ss) / size) * 2 - 1;
          if (shape(x, -y) < 0) cover++;
        }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round((cover / (ss * ss)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = resolve(import.meta.dirname, '../assets/tray');
mkdirSync(out, { recursive: true });
for (const [state, icon] of Object.entries(ICONS)) {
  for (const theme of ['light', 'dark'] as const) {
    for (const [scale, size] of [['', 16], ['@2x', 32]] as const) {
      const name = `gateway-${state}${theme === 'dark' ? '-dark' : ''}${scale}.png`;
      writeFileSync(join(out, name), png(size, icon.shape, icon[theme]));
    }
  }
}
console.log(`tray icons written to ${out}`);
