import {PNG} from "pngjs";

export interface PixelStats {
  width: number;
  height: number;
  /** Share of pixels that are not (near) white. */
  inked: number;
  /** Distinct colours (RGB). */
  colours: number;
  /** Pixels within `tolerance` of a colour, per colour asked for. */
  near: Record<string, number>;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/**
 * Decodes a PNG (pngjs checks its signature, chunk CRCs and zlib stream: an invalid file throws)
 * and counts what is drawn on it: the share of non-white pixels, distinct colours, and pixels
 * close to given colours (e.g. a router's line).
 */
export function pixelStats(png: Buffer, colours: string[] = [], tolerance = 24): PixelStats {
  const image = PNG.sync.read(png);
  const targets = colours.map(rgb);
  const near: number[] = targets.map(() => 0);
  const seen = new Set<number>();
  let inked = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    seen.add((r << 16) | (g << 8) | b);
    if (r < 245 || g < 245 || b < 245) inked++;
    targets.forEach(([tr, tg, tb], k) => {
      if (Math.abs(r - tr!) <= tolerance && Math.abs(g - tg!) <= tolerance && Math.abs(b - tb!) <= tolerance) near[k]!++;
    });
  }
  const pixels = image.width * image.height;
  return {width: image.width, height: image.height, inked: inked / pixels, colours: seen.size, near: Object.fromEntries(colours.map((c, k) => [c, near[k]!]))};
}
