import { GLYPH_ADVANCE, GLYPH_HEIGHT, glyph } from './bitmapFont';
import type { Color, Primitive, Scene } from './scene';

/** An opaque RGBA image, rows top to bottom, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

type Rgb = readonly [number, number, number];

export function parseColor(color: Color): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`colour ${color} is not #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

export function createImage(width: number, height: number, background: Color): RgbaImage {
  const [r, g, b] = parseColor(background);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = 255;
  }
  return { width, height, data };
}

function setPixel(image: RgbaImage, x: number, y: number, [r, g, b]: Rgb): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const i = (y * image.width + x) * 4;
  image.data[i] = r;
  image.data[i + 1] = g;
  image.data[i + 2] = b;
  image.data[i + 3] = 255;
}

function fillSquare(image: RgbaImage, cx: number, cy: number, size: number, rgb: Rgb): void {
  const x0 = Math.round(cx - size / 2);
  const y0 = Math.round(cy - size / 2);
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) setPixel(image, x, y, rgb);
}

/**
 * Draws a segment `width` pixels thick by stamping squares every half pixel; with `dash` it draws
 * on/off runs. Returns the distance along the dash pattern at the segment's end so a polyline's
 * pattern continues across its corners.
 */
function drawSegment(image: RgbaImage, x1: number, y1: number, x2: number, y2: number, rgb: Rgb, width: number, dash: number[] | undefined, start: number): number {
  const size = Math.max(1, Math.round(width));
  const length = Math.hypot(x2 - x1, y2 - y1);
  const period = dash && dash.length ? dash.reduce((a, b) => a + b, 0) : 0;
  const inkAt = (d: number) => {
    if (!period) return true;
    let t = d % period;
    for (let i = 0; i < dash!.length; i++) {
      if (t < dash![i]) return i % 2 === 0;
      t -= dash![i];
    }
    return true;
  };
  const steps = Math.max(1, Math.ceil(length * 2));
  for (let s = 0; s <= steps; s++) {
    const f = s / steps;
    if (inkAt(start + f * length)) fillSquare(image, x1 + f * (x2 - x1), y1 + f * (y2 - y1), size, rgb);
  }
  return start + length;
}

function fillCircle(image: RgbaImage, cx: number, cy: number, r: number, rgb: Rgb): void {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) setPixel(image, x, y, rgb);
    }
  }
}

/** Text in the 5x7 font, scaled by 2 from size 14 up; `y` is the baseline. */
export function textWidth(text: string, size: number): number {
  const scale = size >= 14 ? 2 : 1;
  return text.length ? (text.length * GLYPH_ADVANCE - 1) * scale : 0;
}

function drawText(image: RgbaImage, p: Extract<Primitive, { kind: 'text' }>): void {
  const scale = p.size >= 14 ? 2 : 1;
  const width = textWidth(p.text, p.size);
  const left = Math.round(p.anchor === 'start' ? p.x : p.anchor === 'middle' ? p.x - width / 2 : p.x - width);
  const top = Math.round(p.y) - GLYPH_HEIGHT * scale;
  const rgb = parseColor(p.fill);
  [...p.text].forEach((ch, i) => {
    glyph(ch).forEach((row, gy) =>
      row.forEach((ink, gx) => {
        if (!ink) return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) setPixel(image, left + (i * GLYPH_ADVANCE + gx) * scale + dx, top + gy * scale + dy, rgb);
        }
      }),
    );
  });
}

function drawPrimitive(image: RgbaImage, p: Primitive): void {
  switch (p.kind) {
    case 'line':
      drawSegment(image, p.x1, p.y1, p.x2, p.y2, parseColor(p.stroke), p.width, p.dash, 0);
      return;
    case 'polyline': {
      let along = 0;
      for (let i = 1; i < p.points.length; i++) {
        const [[xa, ya], [xb, yb]] = [p.points[i - 1], p.points[i]];
        along = drawSegment(image, xa, ya, xb, yb, parseColor(p.stroke), p.width, p.dash, along);
      }
      return;
    }
    case 'circle':
      fillCircle(image, p.cx, p.cy, p.r, parseColor(p.fill));
      return;
    case 'rect': {
      const corners: Array<[number, number]> = [[p.x, p.y], [p.x + p.w, p.y], [p.x + p.w, p.y + p.h], [p.x, p.y + p.h], [p.x, p.y]];
      if (p.fill) for (let y = Math.round(p.y); y < Math.round(p.y + p.h); y++) drawSegment(image, p.x, y + 0.5, p.x + p.w, y + 0.5, parseColor(p.fill), 1, undefined, 0);
      if (p.stroke) drawPrimitive(image, { kind: 'polyline', points: corners, stroke: p.stroke, width: 1 });
      return;
    }
    case 'text':
      drawText(image, p);
      return;
  }
}

/** Rasterises the scene (no anti-aliasing): the same chart as the SVG, for viewers without SVG. */
export function rasterizeScene(scene: Scene): RgbaImage {
  const image = createImage(scene.width, scene.height, scene.background);
  for (const p of scene.items) drawPrimitive(image, p);
  return image;
}
