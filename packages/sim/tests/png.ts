/**
 * A minimal PNG reader for screenshot checks: 8-bit RGB or RGBA, not interlaced (what Chromium
 * writes), all five scanline filters. Returns RGBA pixels.
 */
import { inflateSync } from "node:zlib";

export interface Image {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row by row */
  readonly rgba: Uint8Array;
}

export function decodePng(png: Uint8Array): Image {
  const buf = Buffer.from(png);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const color = data[9];
      if (depth !== 8 || (color !== 2 && color !== 6) || data[12] !== 0)
        throw new Error(
          `unsupported PNG: depth ${depth}, colour type ${color}, interlace ${data[12]}`,
        );
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (cur[x - channels] as number) : 0;
      const b = prev[x] as number;
      const c = x >= channels ? (prev[x - channels] as number) : 0;
      const v = line[x] as number;
      let r: number;
      if (filter === 0) r = v;
      else if (filter === 1) r = v + a;
      else if (filter === 2) r = v + b;
      else if (filter === 3) r = v + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        r = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new Error(`bad PNG filter ${filter}`);
      cur[x] = r & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels] as number;
      out[o + 1] = cur[x * channels + 1] as number;
      out[o + 2] = cur[x * channels + 2] as number;
      out[o + 3] = channels === 4 ? (cur[x * channels + 3] as number) : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba: out };
}

/**
 * Pixels that differ from white, distinct colours (to 4 bits per channel), and per colour the
 * pixels drawn in it: the colour itself or its antialiased blend with the white background (a
 * point on the segment white → colour, at least 35 % of the way, within a small distance).
 */
export function inkStats(img: Image, hexColours: readonly string[]) {
  let ink = 0;
  const colours = new Set<number>();
  const near = hexColours.map(() => 0);
  const targets = hexColours.map((h) =>
    [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16)),
  );
  for (let p = 0; p < img.rgba.length; p += 4) {
    const r = img.rgba[p] as number;
    const g = img.rgba[p + 1] as number;
    const b = img.rgba[p + 2] as number;
    if (r < 245 || g < 245 || b < 245) ink++;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    targets.forEach(([tr = 0, tg = 0, tb = 0], k) => {
      const t = (765 - r - g - b) / (765 - tr - tg - tb);
      if (t < 0.35 || t > 1.15) return;
      const d =
        Math.abs(r - (255 - t * (255 - tr))) +
        Math.abs(g - (255 - t * (255 - tg))) +
        Math.abs(b - (255 - t * (255 - tb)));
      if (d < 36) near[k] = (near[k] ?? 0) + 1;
    });
  }
  return { pixels: img.width * img.height, ink, colours: colours.size, near };
}
