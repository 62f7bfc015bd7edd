import * as vega from "vega";
import * as vl from "vega-lite";
import type {TopLevelSpec} from "vega-lite";

/** Receives vega-lite's and vega's warnings (default: dropped). */
export type WarningHandler = (message: string) => void;

// Our faceted specs with independent τ axes layer several marks over one data source; vega-lite
// cannot tell that from separate sources and warns that it "will assume" it is one, which is right.
const EXPECTED = [/^Detected faceted independent scales that union domain of the same fields from different source/];

/** A vega logger that passes warnings and errors, minus the expected ones, to `onWarning`. */
export function plotLogger(onWarning: WarningHandler = () => {}): vega.LoggerInterface {
  return vega.logger(vega.Warn, undefined, (_method, _level, args) => {
    const message = args.map(String).join(" ");
    if (!EXPECTED.some((re) => re.test(message))) onWarning(message);
  });
}

/** Compiles a Vega-Lite spec to Vega: what `tlr plot` renders and what the report embeds. */
export function compileSpec(spec: TopLevelSpec, onWarning?: WarningHandler): vega.Spec {
  return vl.compile(spec, {logger: plotLogger(onWarning)}).spec;
}
