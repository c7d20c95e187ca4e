// Draws the extension icon (media/icon.png, 128x128): a span waterfall on a dark rounded square.
// Run with `node media/drawIcon.mjs` after changing the drawing; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const pixels = Buffer.alloc(SIZE * SIZE * 4);

function blend(x, y, [r, g, b], alpha) {
  if (x < 0 || y < 0 || x >= SIZE || y >= SIZE || alpha <= 0) return;
  const i = (y * SIZE + x) * 4;
  const a = Math.min(1, alpha);
  const under = pixels[i + 3] / 255;
  const out = a + under * (1 - a);
  pixels[i] = Math.round((r * a + pixels[i] * under * (1 - a)) / out);
  pixels[i + 1] = Math.round((g * a + pixels[i + 1] * under * (1 - a)) / out);
  pixels[i + 2] = Math.round((b * a + pixels[i + 2] * under * (1 - a)) / out);
  pixels[i + 3] = Math.round(out * 255);
}

// Rounded rectangle with antialiased edges (coverage from the distance to the rounded outline).
function roundRect(x0, y0, x1, y1, radius, color, opacity = 1) {
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
      const cx = Math.min(Math.max(x + 0.5, x0 + radius), x1 - radius);
      const cy = Math.min(Math.max(y + 0.5, y0 + radius), y1 - radius);
      const distance = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      blend(x, y, color, Math.min(1, radius + 0.5 - distance) * opacity);
    }
  }
}

roundRect(4, 4, 124, 124, 22, [30, 34, 46]);
// Spans: [indent, width, colour]; the last one is still running (open-ended, lighter).
const spans = [
  [18, 92, [86, 156, 214]],
  [30, 54, [78, 201, 176]],
  [42, 30, [78, 201, 176]],
  [62, 36, [241, 76, 76]],
  [74, 24, [220, 220, 170]],
];
spans.forEach(([x, width, color], row) => roundRect(x, 22 + row * 18, x + width, 34 + row * 18, 5, color));
// The running span has no end yet: fading dots after it.
for (let dot = 0; dot < 3; dot++) roundRect(102 + dot * 7, 97, 107 + dot * 7, 102, 2.5, [220, 220, 170], 0.8 - dot * 0.25);

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw)),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
