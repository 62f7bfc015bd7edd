import * as vega from "vega";
import type {TopLevelSpec} from "vega-lite";
import {compileSpec, plotLogger, type WarningHandler} from "./compileSpec.ts";

/**
 * Renders a Vega-Lite spec to an SVG document headless: no browser and no canvas package (vega's
 * "none" renderer builds the scene graph; text widths are estimated, so labels are laid out a
 * little more generously than in a browser).
 */
export async function renderSvg(spec: TopLevelSpec, options: {onWarning?: WarningHandler} = {}): Promise<string> {
  const logger = plotLogger(options.onWarning);
  const view = new vega.View(vega.parse(compileSpec(spec, options.onWarning)), {renderer: "none", logger});
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
