/**
 * The Teams app icons, drawn in code so that they can be regenerated and reviewed as text: a white
 * ring around a clinical cross (a care pathway around the patient).
 * - color: 192×192, full-bleed accent background, the symbol inside the central safe area;
 * - outline: 32×32, white on transparent only (Teams tints it; any other colour is rejected).
 * Edges are anti-aliased by 4×4 supersampling.
 */
import { encodePng, type RgbaImage } from './png.js';

export const ACCENT_COLOR = '#1B6E8C';

/** Is the point (in units of the icon's side, 0..1) inside the symbol? */
function inSymbol(x: number, y: number, stroke: number): boolean {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  const ringRadius = 0.34;
  const inRing = Math.abs(r - ringRadius) <= stroke / 2;
  const arm = 0.17;
  const half = stroke * 0.85;
  const inCross = (Math.abs(dx) <= half && Math.abs(dy) <= arm) || (Math.abs(dy) <= half && Math.abs(dx) <= arm);
  return inRing || inCross;
}

function draw(size: number, stroke: number, paint: (coverage: number) => [number, number, number, number]): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          if (inSymbol((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, stroke)) hits += 1;
        }
      }
      const [r, g, b, a] = paint(hits / (samples * samples));
      const i = (py * size + px) * 4;
      pixels[i] = r;
      pixels[i + 1] = g;
      pixels[i + 2] = b;
      pixels[i + 3] = a;
    }
  }
  return { width: size, height: size, pixels };
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

export function colorIcon(): RgbaImage {
  const [r, g, b] = hexToRgb(ACCENT_COLOR);
  const mix = (from: number, c: number): number => Math.round(from + (255 - from) * c);
  return draw(192, 0.07, (c) => [mix(r, c), mix(g, c), mix(b, c), 255]);
}

export function outlineIcon(): RgbaImage {
  // Thicker strokes at 32 px, so that the symbol survives Teams' tinting at small sizes.
  return draw(32, 0.09, (c) => [255, 255, 255, Math.round(255 * c)]);
}

export function iconFiles(): { 'color.png': Buffer; 'outline.png': Buffer } {
  return { 'color.png': encodePng(colorIcon()), 'outline.png': encodePng(outlineIcon()) };
}
