import { encodePng } from './encode.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './font.js';

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

/** An RGBA pixel buffer with the few drawing primitives the charts need. */
export class Raster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new RangeError(`Raster: size must be positive integers, got ${width}x${height}`);
    }
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
    this.data[o + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.setPixel(xx, yy, c);
    }
  }

  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.fillRect(x, y, w, 1, c);
    this.fillRect(x, y + h - 1, w, 1, c);
    this.fillRect(x, y, 1, h, c);
    this.fillRect(x + w - 1, y, 1, h, c);
  }

  /** A line of the given thickness (a square brush stepped along the segment), clipped to `clip`. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1, clip?: Box): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2));
    const r0 = -Math.floor((thickness - 1) / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dy = r0; dy < r0 + thickness; dy++) {
        for (let dx = r0; dx < r0 + thickness; dx++) {
          const px = Math.round(x) + dx;
          const py = Math.round(y) + dy;
          if (clip && (px < clip.x || py < clip.y || px >= clip.x + clip.w || py >= clip.y + clip.h))
            continue;
          this.setPixel(px, py, c);
        }
      }
    }
  }

  /** Draws text with its top-left corner at (x, y); `vertical` turns it 90 degrees counter-clockwise. */
  text(text: string, x: number, y: number, c: Rgb, scale = 2, vertical = false): void {
    [...text].forEach((ch, n) => {
      const g = glyph(ch);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (!g[gy][gx]) continue;
          const u = n * GLYPH_ADVANCE + gx; // along the text
          const v = gy; // across the text
          const px = vertical ? x + v * scale : x + u * scale;
          const py = vertical ? y + (textWidth(text, 1) - 1 - u) * scale : y + v * scale;
          this.fillRect(px, py, scale, scale, c);
        }
      }
    });
  }

  /** The raster as PNG file bytes. */
  toPng(): Promise<Uint8Array> {
    return encodePng(this.width, this.height, this.data);
  }
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const TEXT_HEIGHT = GLYPH_HEIGHT;
