import {Resvg} from "@resvg/resvg-js";

export interface PngOptions {
  /** Pixels per SVG unit; default 2, sharp on high-density screens and in papers. */
  scale?: number;
}

/**
 * Rasterises an SVG document (from renderSvg) to PNG with resvg, using the system's fonts; the
 * charts' fonts fall back from DejaVu Sans to Helvetica, Arial and any sans-serif.
 */
export function renderPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: {mode: "zoom", value: options.scale ?? 2},
    background: "white",
    font: {loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans"},
  });
  return resvg.render().asPng();
}
