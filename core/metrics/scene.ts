/** A chart as a list of drawing primitives in pixel coordinates (y grows downwards), shared by the SVG and PNG renderers. */
export type Color = `#${string}`;

export type Primitive =
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: Color; width: number; dash?: number[]; cls?: string }
  | { kind: 'polyline'; points: Array<[number, number]>; stroke: Color; width: number; dash?: number[]; cls?: string }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: Color; cls?: string }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: Color; stroke?: Color; cls?: string }
  /** `y` is the text's baseline. */
  | { kind: 'text'; x: number; y: number; text: string; size: number; anchor: 'start' | 'middle' | 'end'; fill: Color; cls?: string };

export interface Scene {
  width: number;
  height: number;
  background: Color;
  items: Primitive[];
}
