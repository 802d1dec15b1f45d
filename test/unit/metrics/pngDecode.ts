import { inflateSync } from 'node:zlib';
import { crc32 } from '../../../core/metrics/png';

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA rows, only for the 8-bit RGBA, filter-0 files our encoder writes. */
  pixels: Uint8Array;
}

/** Just enough of a PNG reader to check what the encoder wrote: signature, chunk CRCs, IHDR, IDAT. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error('not a PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let header: DataView | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (at < bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') header = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header || !ended) throw new Error('missing IHDR or IEND');
  const width = header.getUint32(0);
  const height = header.getUint32(4);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT holds ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`row ${y} uses filter ${raw[y * (stride + 1)]}`);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, bitDepth: header.getUint8(8), colorType: header.getUint8(9), pixels };
}

/** How many pixels have exactly this colour. */
export function countColor(png: DecodedPng, [r, g, b]: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < png.pixels.length; i += 4) if (png.pixels[i] === r && png.pixels[i + 1] === g && png.pixels[i + 2] === b) n++;
  return n;
}
