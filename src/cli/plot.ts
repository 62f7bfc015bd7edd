import {join} from "node:path";
import {Command, InvalidArgumentError, Option} from "commander";
import {readResultsFolders} from "../plots/readResultsFolders.ts";
import {PLOT_FORMATS, writePlots, type PlotFormat} from "../plots/writePlots.ts";
import {TlrError} from "../util/errors.ts";
import type {CliIO} from "./io.ts";

function parseScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 10) throw new InvalidArgumentError(`"${value}" is not a scale in (0, 10].`);
  return n;
}

/** Where plots go when --out is not given: beside the one folder's results; several folders must say. */
export function defaultOut(dirs: readonly string[], name: string, flag = "--out"): string {
  if (dirs.length === 1) return join(dirs[0]!, name);
  throw new TlrError(`${dirs.length} results folders: say where to write with ${flag}`);
}

export function plotCommand(io: CliIO): Command {
  return new Command("plot")
    .description("render a results folder's plots (several folders: one plot comparing them), from its Arrow files alone")
    .argument("<dirs...>", "results folders written by tlr sweep or tlr merge")
    .addOption(new Option("--format <format>", "svg, png, html (a self-contained page per plot) or vega-lite (the spec, .vl.json)").choices(PLOT_FORMATS).default("svg"))
    .option("--out <dir>", "folder to write into (default: DIR/plots for one folder)")
    .option("--scale <n>", "PNG pixels per SVG unit", parseScale, 2)
    .action(async (dirs: string[], flags: {format: PlotFormat; out?: string; scale: number}) => {
      const out = flags.out ?? defaultOut(dirs, "plots");
      const results = readResultsFolders(dirs);
      const files = await writePlots(results, {out, format: flags.format, scale: flags.scale, onWarning: (m) => io.stderr.write(`tlr: warning: ${m}\n`)});
      io.stdout.write(`${files.join("\n")}\n`);
    });
}
