import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";

const require = createRequire(import.meta.url);

/** The minified browser builds of a package that sit beside its entry point (packages' `exports` hide the file itself). */
function browserBuild(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(pkg)), file), "utf8");
}

let cached: string[] | undefined;

/**
 * The browser runtime an HTML page inlines: vega (parser, dataflow, SVG renderer) and vega-embed
 * (tooltips, the export menu), from the installed packages, so pages open offline with the same
 * versions `tlr plot` renders with. Vega-Lite is not needed: pages embed specs compiled to Vega.
 */
export function vegaRuntime(): string[] {
  cached ??= [browserBuild("vega", "vega.min.js"), browserBuild("vega-embed", "vega-embed.min.js")];
  return cached;
}
