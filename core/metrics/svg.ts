import type { Primitive, Scene } from './scene';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const n = (v: number) => String(Math.round(v * 100) / 100);
const cls = (c?: string) => (c ? ` class="${escapeXml(c)}"` : '');
const dash = (d?: number[]) => (d && d.length ? ` stroke-dasharray="${d.map(n).join(' ')}"` : '');

function primitiveSvg(p: Primitive): string {
  switch (p.kind) {
    case 'line':
      return `<line${cls(p.cls)} x1="${n(p.x1)}" y1="${n(p.y1)}" x2="${n(p.x2)}" y2="${n(p.y2)}" stroke="${p.stroke}" stroke-width="${n(p.width)}"${dash(p.dash)}/>`;
    case 'polyline':
      return `<polyline${cls(p.cls)} points="${p.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${p.stroke}" stroke-width="${n(p.width)}" stroke-linejoin="round"${dash(p.dash)}/>`;
    case 'circle':
      return `<circle${cls(p.cls)} cx="${n(p.cx)}" cy="${n(p.cy)}" r="${n(p.r)}" fill="${p.fill}"/>`;
    case 'rect':
      return `<rect${cls(p.cls)} x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${p.fill ?? 'none'}"${p.stroke ? ` stroke="${p.stroke}"` : ''}/>`;
    case 'text': {
      const anchor = p.anchor === 'start' ? '' : ` text-anchor="${p.anchor}"`;
      return `<text${cls(p.cls)} x="${n(p.x)}" y="${n(p.y)}" font-size="${n(p.size)}"${anchor} fill="${p.fill}">${escapeXml(p.text)}</text>`;
    }
  }
}

/** A standalone SVG document for the scene. */
export function sceneToSvg(scene: Scene): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="${scene.background}"/>`,
    ...scene.items.map(primitiveSvg),
    '</svg>',
    '',
  ].join('\n');
}
